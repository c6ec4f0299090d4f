// Rate limits over HTTP against the real binary: the RateLimit headers, 429 with Retry-After
// and a named limit, characters counted as code points, API-key and organization-setting limits,
// the metric, and the rows in rate_limit_logs after a clean stop.
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/rate_limit_log_repository.h"
#include "support/aisafe_server.h"

namespace aisafe {
namespace {
using testsupport::AisafeServer;
using testsupport::HttpClient;
using testsupport::HttpResponse;
using Headers = std::vector<std::pair<std::string, std::string>>;

std::unique_ptr<AisafeServer> startWith(Headers env) {
  env.emplace_back("ALLOW_ANONYMOUS_VALIDATE", "true");
  std::string error;
  auto server = AisafeServer::start(env, error);
  EXPECT_NE(server, nullptr) << error;
  return server;
}

std::string errorCode(const HttpResponse& r) {
  auto v = r.json();
  if (!v.is_object() || !v.as_object().contains("error")) return "";
  return std::string(v.as_object().at("error").as_object().at("code").as_string());
}

std::string errorMessage(const HttpResponse& r) {
  return std::string(r.json().as_object().at("error").as_object().at("message").as_string());
}

HttpResponse validate(HttpClient& c, const std::string& prompt, const std::string& key = "") {
  Headers h = {{"Content-Type", "application/json"}};
  if (!key.empty()) h.emplace_back("Authorization", "Bearer " + key);
  return c.request("POST", "/api/v1/validate",
                   boost::json::serialize(boost::json::object{{"prompt", prompt}}), h);
}

TEST(RateLimitTest, TheOrganizationLimitCountsDownThenAnswers429) {
  auto server = startWith({{"RATE_LIMIT_PER_MINUTE", "5"}});
  ASSERT_NE(server, nullptr);
  HttpClient c = server->client();
  for (int i = 0; i < 5; ++i) {
    auto r = validate(c, "hello " + std::to_string(i));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("ratelimit-limit"), "5");
    EXPECT_EQ(r.header("ratelimit-remaining"), std::to_string(4 - i));
    EXPECT_FALSE(r.header("ratelimit-reset").empty());
  }
  auto refused = validate(c, "one too many");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(errorCode(refused), "rate_limited");
  EXPECT_NE(errorMessage(refused).find("organization_requests_per_minute"), std::string::npos);
  // One request every 12 s refills: the client is told to wait about that long.
  const int retry = std::stoi(refused.header("retry-after"));
  EXPECT_GE(retry, 10);
  EXPECT_LE(retry, 12);
  EXPECT_EQ(refused.header("ratelimit-remaining"), "0");
  EXPECT_FALSE(refused.header("x-request-id").empty());

  // Requests outside any organization are not counted: health, metrics.
  auto metrics = c.request("GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(
      metrics.body.find("aisafe_rate_limited_total{limit=\"organization_requests_per_minute\"} 1"),
      std::string::npos);

  // A clean stop flushes the log of hits to the database.
  const std::string db_path = server->dataDir() + "/aisafe.db";
  ASSERT_EQ(server->stop(), 0);
  auto db = storage::Database::open("sqlite://" + db_path, 1);
  ASSERT_TRUE(db.isOk());
  storage::RateLimitLogRepository logs(**db);
  auto rows = logs.recent("default", 10);
  ASSERT_TRUE(rows.isOk());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().limit_name, "organization_requests_per_minute");
  EXPECT_EQ(rows->front().route, "/api/v1/validate");
}

TEST(RateLimitTest, CharactersAreCodePointsOfTheBody) {
  // Each body: {"prompt":"ééé..."} = 1,400 é + 13 characters of JSON; 2,826 bytes.
  auto server = startWith({{"RATE_LIMIT_PER_MINUTE", "1000"}, {"CHARACTERS_PER_MINUTE", "3000"}});
  ASSERT_NE(server, nullptr);
  HttpClient c = server->client();
  std::string accents;
  for (int i = 0; i < 1400; ++i) accents += "\xC3\xA9";
  EXPECT_EQ(validate(c, accents).status, 200);
  EXPECT_EQ(validate(c, accents).status, 200);  // counted in bytes this would be refused
  auto refused = validate(c, accents);
  EXPECT_EQ(refused.status, 429);
  EXPECT_NE(errorMessage(refused).find("organization_characters_per_minute"), std::string::npos);
}

TEST(RateLimitTest, APIKeyLimitsAndOrganizationSettingsApply) {
  auto server = startWith({{"RATE_LIMIT_PER_MINUTE", "1000"}});
  ASSERT_NE(server, nullptr);
  HttpClient admin = server->adminClient();
  auto a = admin.request("POST", "/api/v1/api-keys",
                         R"({"name":"slow","scopes":["validate"],"rate_limit_per_minute":2})",
                         {{"Content-Type", "application/json"}});
  ASSERT_EQ(a.status, 201) << a.body;
  auto b = admin.request("POST", "/api/v1/api-keys", R"({"name":"fast","scopes":["validate"]})",
                         {{"Content-Type", "application/json"}});
  ASSERT_EQ(b.status, 201) << b.body;
  const std::string key_a(a.json().as_object().at("key").as_string());
  const std::string key_b(b.json().as_object().at("key").as_string());

  HttpClient c = server->client();
  EXPECT_EQ(validate(c, "one", key_a).status, 200);
  auto second = validate(c, "two", key_a);
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.header("ratelimit-limit"), "2");  // the key's limit is the tighter one
  auto third = validate(c, "three", key_a);
  EXPECT_EQ(third.status, 429);
  EXPECT_NE(errorMessage(third).find("api_key_requests_per_minute"), std::string::npos);
  EXPECT_EQ(validate(c, "other key", key_b).status, 200);

  // The organization's own setting replaces the default at once on this replica.
  auto patched = admin.request("PATCH", "/api/v1/organizations/default",
                               R"({"settings":{"rate_limit_per_minute":3}})",
                               {{"Content-Type", "application/json"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  bool refused = false;
  for (int i = 0; i < 6 && !refused; ++i) {
    auto r = validate(c, "burst " + std::to_string(i), key_b);
    if (r.status == 429) {
      refused = true;
      EXPECT_NE(errorMessage(r).find("organization_requests_per_minute"), std::string::npos);
      EXPECT_EQ(r.header("ratelimit-limit"), "3");
    }
  }
  EXPECT_TRUE(refused);
}

}  // namespace
}  // namespace aisafe
