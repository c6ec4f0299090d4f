// Two aisafe replicas on one PostgreSQL and one real redis-server: a rate limit is one budget
// across both; with Redis killed each falls back to its share (limit / REPLICAS), answers
// without hanging, reports the open breaker and stays ready.
#include <chrono>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "support/aisafe_server.h"
#include "support/postgres_env.h"
#include "support/redis_server.h"

namespace aisafe {
namespace {
using namespace std::chrono_literals;
using testsupport::AisafeServer;
using testsupport::HttpClient;
using testsupport::HttpResponse;
using testsupport::RedisServer;

class SharedStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto* pg = testsupport::sharedPostgres();
    AISAFE_REQUIRE_POSTGRES(pg);
    static int n = 0;
    const std::string db_url = pg->createDatabase("shared_state_" + std::to_string(++n));
    ASSERT_FALSE(db_url.empty());
    std::string error;
    redis_ = RedisServer::start(error);
    ASSERT_NE(redis_, nullptr) << error;
    const std::vector<std::pair<std::string, std::string>> env = {
        {"DATABASE_URL", db_url},
        {"REDIS_URL", redis_->url()},
        {"RATE_LIMIT_PER_MINUTE", "10"},
        {"REPLICAS", "2"},
        {"ALLOW_ANONYMOUS_VALIDATE", "true"},
        {"CIRCUIT_BREAKER_FAILURE_THRESHOLD", "2"}};
    // One after the other: the first applies the migrations.
    a_ = AisafeServer::start(env, error);
    ASSERT_NE(a_, nullptr) << error;
    b_ = AisafeServer::start(env, error);
    ASSERT_NE(b_, nullptr) << error;
  }

  static int validate(AisafeServer& server) {
    return server.client()
        .request("POST", "/api/v1/validate", R"({"prompt":"hello"})",
                 {{"Content-Type", "application/json"}})
        .status;
  }

  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<AisafeServer> a_, b_;
};

TEST_F(SharedStateTest, OneLimitAcrossReplicas) {
  int passed = 0, refused = 0;
  for (int i = 0; i < 10; ++i) {
    for (AisafeServer* s : {a_.get(), b_.get()}) {
      const int status = validate(*s);
      passed += status == 200;
      refused += status == 429;
    }
  }
  EXPECT_EQ(passed, 10);
  EXPECT_EQ(refused, 10);
}

TEST_F(SharedStateTest, RedisDownEachReplicaKeepsToItsShareAndNothingHangs) {
  redis_->kill();
  const auto started = std::chrono::steady_clock::now();
  int passed_a = 0, passed_b = 0;
  for (int i = 0; i < 10; ++i) {
    passed_a += validate(*a_) == 200;
    passed_b += validate(*b_) == 200;
  }
  EXPECT_EQ(passed_a, 5);
  EXPECT_EQ(passed_b, 5);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);  // generous: "does not hang"

  auto metrics = a_->client().request("GET", "/metrics");
  EXPECT_NE(metrics.body.find("aisafe_rate_limit_fallback_total{mode=\"local\"}"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("aisafe_circuit_breaker_state{name=\"redis\"} 2"), std::string::npos);

  HttpClient admin = a_->adminClient();
  auto breakers = admin.request("GET", "/api/v1/admin/circuit-breakers");
  ASSERT_EQ(breakers.status, 200) << breakers.body;
  const boost::json::value body = breakers.json();
  const auto& first = body.at("data").as_array().at(0).as_object();
  EXPECT_EQ(first.at("name").as_string(), "redis");
  EXPECT_EQ(first.at("state").as_string(), "open");

  auto ready = a_->client().request("GET", "/ready");
  EXPECT_EQ(ready.status, 200);  // Redis holds nothing of record
  EXPECT_NE(ready.body.find("degraded"), std::string::npos);
}

TEST_F(SharedStateTest, TheBreakerListIsForPlatformAdminsOnly) {
  auto anonymous = a_->client().request("GET", "/api/v1/admin/circuit-breakers");
  EXPECT_EQ(anonymous.status, 401);
}

}  // namespace
}  // namespace aisafe
