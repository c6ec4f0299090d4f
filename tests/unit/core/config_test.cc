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
  EXPECT_TRUE(c->batch_writes);
}

TEST(ConfigTest, BatchWritesCanBeTurnedOff) {
  auto c = loadConfig(envOf({{"BATCH_WRITES", "false"}}), {});
  ASSERT_TRUE(c.isOk());
  EXPECT_FALSE(c->batch_writes);
  EXPECT_FALSE(loadConfig(envOf({{"BATCH_WRITES", "sometimes"}}), {}).isOk());
}

TEST(ConfigTest, RetentionSettingsTakeDurations) {
  auto defaults = loadConfig(envOf({}), {});
  ASSERT_TRUE(defaults.isOk());
  EXPECT_EQ(defaults->audit_retention_days, 90u);
  EXPECT_EQ(defaults->retention_interval_ms, 3'600'000u);
  EXPECT_TRUE(defaults->retention_worker);
  EXPECT_TRUE(defaults->metrics_organization_label);

  for (const auto& [text, ms] : std::vector<std::pair<std::string, std::uint32_t>>{
           {"250ms", 250}, {"30s", 30'000}, {"15m", 900'000}, {"2h", 7'200'000}}) {
    auto c = loadConfig(envOf({{"RETENTION_INTERVAL", text}, {"AUDIT_RETENTION_DAYS", "0"}}), {});
    ASSERT_TRUE(c.isOk()) << text << ": " << c.status().message();
    EXPECT_EQ(c->retention_interval_ms, ms) << text;
    EXPECT_EQ(c->audit_retention_days, 0u);  // 0: keep forever
  }
  for (const char* bad : {"1", "10ms", "5d", "h", "-1s", "1.5h", "200h"}) {
    auto c = loadConfig(envOf({{"RETENTION_INTERVAL", bad}}), {});
    ASSERT_FALSE(c.isOk()) << bad;
    EXPECT_NE(c.status().message().find("RETENTION_INTERVAL"), std::string::npos);
  }
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

TEST(ConfigTest, TracingSettings) {
  auto off = loadConfig(envOf({}), {});
  ASSERT_TRUE(off.isOk());
  EXPECT_FALSE(off->enable_tracing);
  EXPECT_EQ(off->otel_service_name, "aisafe");
  EXPECT_EQ(off->trace_sampling_ratio, 1.0);
  auto on = loadConfig(envOf({{"ENABLE_TRACING", "true"},
                              {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318/"},
                              {"OTEL_SERVICE_NAME", "gateway"},
                              {"OTEL_TRACES_SAMPLER_ARG", "0.1"}}),
                       {});
  ASSERT_TRUE(on.isOk()) << on.status().message();
  EXPECT_TRUE(on->enable_tracing);
  EXPECT_EQ(on->otel_exporter_otlp_endpoint, "http://127.0.0.1:4318");  // no trailing slash
  EXPECT_EQ(on->otel_service_name, "gateway");
  EXPECT_DOUBLE_EQ(on->trace_sampling_ratio, 0.1);
  auto bad = loadConfig(envOf({{"ENABLE_TRACING", "true"},
                               {"OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318"},
                               {"OTEL_TRACES_SAMPLER_ARG", "1.5"}}),
                        {});
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.status().message().find("OTEL_EXPORTER_OTLP_ENDPOINT"), std::string::npos);
  EXPECT_NE(bad.status().message().find("OTEL_TRACES_SAMPLER_ARG=1.5"), std::string::npos);
}

TEST(ConfigTest, PhoneRegionsAreTwoLetterCodes) {
  auto unset = loadConfig(envOf({}), {});
  ASSERT_TRUE(unset.isOk());
  EXPECT_TRUE(unset->pii_phone_regions.empty());  // the detector's default list
  auto set = loadConfig(envOf({{"PII_PHONE_REGIONS", "us, GB,de  es"}}), {});
  ASSERT_TRUE(set.isOk()) << set.status().message();
  EXPECT_EQ(set->pii_phone_regions, (std::vector<std::string>{"US", "GB", "DE", "ES"}));
  for (const char* bad : {"USA", "U1", ",", "en-US"}) {
    auto c = loadConfig(envOf({{"PII_PHONE_REGIONS", bad}}), {});
    ASSERT_FALSE(c.isOk()) << bad;
    EXPECT_NE(c.status().message().find("PII_PHONE_REGIONS="), std::string::npos);
  }
}

}  // namespace
}  // namespace aisafe
