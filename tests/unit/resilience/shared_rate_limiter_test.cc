// The Redis-shared limiter against a real redis-server: two limiters on one Redis (two
// replicas) share one budget; Redis down or frozen costs a timeout at most and falls back as
// the fail mode says; a Redis restart (scripts forgotten) is survived.
#include "resilience/shared_rate_limiter.h"

#include <chrono>

#include <gtest/gtest.h>

#include "resilience/leasing_rate_limiter.h"
#include "support/redis_server.h"

namespace aisafe::resilience {
namespace {
using namespace std::chrono_literals;
using testsupport::RedisServer;

class SharedRateLimiterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    redis_ = RedisServer::start(error);
    ASSERT_NE(redis_, nullptr) << error;
  }

  std::unique_ptr<RedisClient> client(CircuitBreaker& breaker) {
    auto c = RedisClient::create(
        {.url = redis_->url(), .connect_timeout = 100ms, .command_timeout = 50ms}, breaker);
    EXPECT_TRUE(c.isOk());
    return std::move(c).value();
  }

  std::unique_ptr<RedisServer> redis_;
};

constexpr RateLimitRule kTenPerMinute{.limit = 10, .period_ms = 60'000};

TEST_F(SharedRateLimiterTest, TwoReplicasShareOneBudget) {
  CircuitBreaker b1("redis", {}), b2("redis", {});
  auto c1 = client(b1), c2 = client(b2);
  SharedRateLimiter replica1(*c1, FailMode::kLocal, 2), replica2(*c2, FailMode::kLocal, 2);
  int passed = 0;
  for (int i = 0; i < 10; ++i) {
    passed += replica1.consume("org:a", kTenPerMinute, 1).allowed;
    passed += replica2.consume("org:a", kTenPerMinute, 1).allowed;
  }
  EXPECT_EQ(passed, 10);
  auto refused = replica1.consume("org:a", kTenPerMinute, 1);
  EXPECT_FALSE(refused.allowed);
  EXPECT_FALSE(refused.unavailable);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_GT(refused.retry_after_ms, 5'000);  // one unit every 6 s
  EXPECT_LE(refused.retry_after_ms, 6'000);
  EXPECT_TRUE(replica2.consume("org:b", kTenPerMinute, 1).allowed);
}

// Leased slices over the real shared limiter: two replicas, one Redis, exactly the limit.
TEST_F(SharedRateLimiterTest, ReplicasLeasingSlicesStillShareOneBudget) {
  CircuitBreaker b1("redis", {}), b2("redis", {});
  auto c1 = client(b1), c2 = client(b2);
  LeasingRateLimiter replica1(std::make_unique<SharedRateLimiter>(*c1, FailMode::kLocal, 2),
                              {.fraction = 0.05});
  LeasingRateLimiter replica2(std::make_unique<SharedRateLimiter>(*c2, FailMode::kLocal, 2),
                              {.fraction = 0.05});
  constexpr RateLimitRule kTwoHundred{.limit = 200, .period_ms = 60'000};
  int passed = 0;
  for (int i = 0; i < 150; ++i) {
    passed += replica1.consume("org:lease", kTwoHundred, 1).allowed;
    passed += replica2.consume("org:lease", kTwoHundred, 1).allowed;
  }
  EXPECT_EQ(passed, 200);
  EXPECT_GE(replica1.servedFromLeases() + replica2.servedFromLeases(), 150u);
}

TEST_F(SharedRateLimiterTest, RedisDownFallsBackToThisReplicasShare) {
  CircuitBreaker breaker("redis", {.failure_threshold = 3, .recovery_timeout = 60s});
  auto c = client(breaker);
  int fallbacks = 0;
  SharedRateLimiter limiter(*c, FailMode::kLocal, 4, [&](FailMode, const Status&) { ++fallbacks; });
  redis_->kill();
  const auto started = std::chrono::steady_clock::now();
  int passed = 0;
  for (int i = 0; i < 20; ++i) passed += limiter.consume("org:a", kTenPerMinute, 1).allowed;
  EXPECT_EQ(passed, 2);  // 10 / 4 replicas, rounded down
  EXPECT_EQ(fallbacks, 20);
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
  // Refused connections fail at once and the breaker stops even trying: 20 calls in far less
  // than 20 timeouts (a generous bound; this is not a timing claim).
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST_F(SharedRateLimiterTest, AFrozenRedisCostsOneCommandTimeoutThenTheBreakerOpens) {
  CircuitBreaker breaker("redis", {.failure_threshold = 2, .recovery_timeout = 60s});
  auto c = client(breaker);
  SharedRateLimiter limiter(*c, FailMode::kOpen, 1);
  ASSERT_TRUE(limiter.consume("warm", kTenPerMinute, 1).allowed);  // a pooled connection
  redis_->freeze();
  for (int i = 0; i < 5; ++i) {
    auto r = limiter.consume("org:a", {.limit = 1, .period_ms = 60'000}, 1);
    EXPECT_TRUE(r.allowed);  // fail open
  }
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
  redis_->thaw();
}

TEST_F(SharedRateLimiterTest, FailClosedRefusesAsUnavailable) {
  CircuitBreaker breaker("redis", {});
  auto c = client(breaker);
  SharedRateLimiter limiter(*c, FailMode::kClosed, 1);
  redis_->kill();
  auto r = limiter.consume("org:a", kTenPerMinute, 1);
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(r.unavailable);
}

TEST_F(SharedRateLimiterTest, ARestartedRedisGetsTheScriptAgain) {
  CircuitBreaker breaker("redis", {.failure_threshold = 100});
  auto c = client(breaker);
  SharedRateLimiter limiter(*c, FailMode::kClosed, 1);
  ASSERT_TRUE(limiter.consume("org:a", kTenPerMinute, 1).allowed);
  std::string error;
  ASSERT_TRUE(redis_->restart(error)) << error;
  // The first call after the restart may meet the dead pooled connection; then NOSCRIPT, reload.
  limiter.consume("org:a", kTenPerMinute, 1);
  auto r = limiter.consume("org:a", kTenPerMinute, 1);
  EXPECT_TRUE(r.allowed);
  EXPECT_FALSE(r.unavailable);
}

TEST_F(SharedRateLimiterTest, ChargesOfOneRequestAreAllOrNothingInRedisToo) {
  CircuitBreaker breaker("redis", {});
  auto c = client(breaker);
  SharedRateLimiter limiter(*c, FailMode::kClosed, 1);
  const RateLimitRule two{.limit = 2}, ten{.limit = 10};
  const std::vector<Charge> request = {{"rpm:org:a", two, 1}, {"rpm:key:k", ten, 1}};
  EXPECT_TRUE(limiter.consumeAll(request)[1].allowed);
  EXPECT_TRUE(limiter.consumeAll(request)[1].allowed);
  auto refused = limiter.consumeAll(request);
  EXPECT_FALSE(refused[0].allowed);
  EXPECT_FALSE(refused[0].unavailable);
  EXPECT_EQ(limiter.consume("rpm:key:k", ten, 1).remaining, 7);
}

TEST(RedisClientTest, BadUrlsAreRefusedUpFront) {
  CircuitBreaker breaker("redis", {});
  for (const char* url : {"", "http://x", "redis://", "redis://h:1/notanumber"}) {
    EXPECT_FALSE(RedisClient::create({.url = url}, breaker).isOk()) << url;
  }
  EXPECT_TRUE(
      RedisClient::create({.url = "redis://:secret@cache.internal:6380/2"}, breaker).isOk());
}

}  // namespace
}  // namespace aisafe::resilience
