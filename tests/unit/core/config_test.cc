#include "core/config.h"

#include <gtest/gtest.h>

namespace aisafe {
namespace {

EnvLookup envOf(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ConfigTest, DefaultsWhenNothingIsSet) {
  auto c = loadConfig(envOf({}), {});
  ASSERT_TRUE(c.isOk());
  EXPECT_EQ(c->port, 8000);
  EXPECT_EQ(c->database_url, "sqlite://./data/aisafe.db");
  EXPECT_EQ(c->max_body_bytes, 1u << 20);
  EXPECT_GE(c->threads, 1u);
}

TEST(ConfigTest, EnvironmentWinsOverDotEnv) {
  auto dotenv = parseDotEnv("# comment\nPORT=9000\nexport HOST=\"0.0.0.0\"\nLOG_LEVEL='debug'\n");
  auto c = loadConfig(envOf({{"PORT", "9100"}}), dotenv);
  ASSERT_TRUE(c.isOk());
  EXPECT_EQ(c->port, 9100);
  EXPECT_EQ(c->host, "0.0.0.0");
  EXPECT_EQ(c->log_level, "debug");
}

TEST(ConfigTest, EveryBadVariableIsReported) {
  auto c = loadConfig(envOf({{"PORT", "http"},
                             {"LOG_LEVEL", "loud"},
                             {"DATABASE_URL", "mysql://x"},
                             {"MIGRATE_ON_START", "maybe"}}),
                      {});
  ASSERT_FALSE(c.isOk());
  const std::string& m = c.status().message();
  EXPECT_NE(m.find("PORT=http"), std::string::npos);
  EXPECT_NE(m.find("LOG_LEVEL=loud"), std::string::npos);
  EXPECT_NE(m.find("DATABASE_URL=mysql://x"), std::string::npos);
  EXPECT_NE(m.find("MIGRATE_ON_START=maybe"), std::string::npos);
}

}  // namespace
}  // namespace aisafe
