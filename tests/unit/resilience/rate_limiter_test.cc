// GCRA arithmetic with an explicit clock: bursts, steady refill, costs, headers' numbers.
#include "resilience/rate_limiter.h"

#include <gtest/gtest.h>

namespace aisafe::resilience {
namespace {

constexpr RateLimitRule kSixtyPerMinute{.limit = 60, .period_ms = 60'000};

TEST(RateLimiterTest, ABurstOfTheLimitPassesThenOnePerInterval) {
  LocalRateLimiter limiter;
  const double t0 = 1'000'000;
  for (int i = 0; i < 60; ++i) {
    auto r = limiter.consumeAt("org:a", kSixtyPerMinute, 1, t0);
    ASSERT_TRUE(r.allowed) << i;
    EXPECT_EQ(r.remaining, 59 - i);
    EXPECT_EQ(r.limit, 60);
  }
  auto refused = limiter.consumeAt("org:a", kSixtyPerMinute, 1, t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.retry_after_ms, 1000);  // one unit every second
  EXPECT_EQ(refused.reset_ms, 60'000);
  EXPECT_FALSE(limiter.consumeAt("org:a", kSixtyPerMinute, 1, t0 + 999).allowed);
  EXPECT_TRUE(limiter.consumeAt("org:a", kSixtyPerMinute, 1, t0 + 1000).allowed);
  // Other keys are untouched.
  EXPECT_TRUE(limiter.consumeAt("org:b", kSixtyPerMinute, 1, t0).allowed);
}

TEST(RateLimiterTest, NoWindowEdgeLetsTwiceTheLimitThrough) {
  LocalRateLimiter limiter;
  int passed = 0;
  // 200 attempts spread over 90 s: a fixed window could admit 120 around a boundary.
  for (int i = 0; i < 200; ++i) {
    if (limiter.consumeAt("k", kSixtyPerMinute, 1, 500'000 + i * 450.0).allowed) ++passed;
  }
  EXPECT_LE(passed, 60 + 90);  // the burst plus one per second over 90 s
  EXPECT_GE(passed, 60 + 89);
}

TEST(RateLimiterTest, CostsChargeSeveralUnitsAndRefusalsChargeNothing) {
  LocalRateLimiter limiter;
  const RateLimitRule chars{.limit = 10'000, .period_ms = 60'000};
  EXPECT_TRUE(limiter.consumeAt("c", chars, 6'000, 0 + 1e6).allowed);
  auto refused = limiter.consumeAt("c", chars, 6'000, 1e6);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 4'000);
  EXPECT_EQ(refused.retry_after_ms, 12'000);  // 2,000 more characters at 6 ms each
  EXPECT_TRUE(limiter.consumeAt("c", chars, 4'000, 1e6).allowed);
}

TEST(RateLimiterTest, ACostOverTheWholeLimitIsRefusedWithAFullPeriod) {
  LocalRateLimiter limiter;
  auto r = limiter.consumeAt("c", {.limit = 100, .period_ms = 60'000}, 101, 1e6);
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.retry_after_ms, 60'000);
}

TEST(RateLimiterTest, TinyIntervalsDoNotTruncateToZero) {
  LocalRateLimiter limiter;
  const RateLimitRule huge{.limit = 100'000'000, .period_ms = 60'000};  // 0.6 µs per unit
  EXPECT_TRUE(limiter.consumeAt("h", huge, 100'000'000, 1e6).allowed);
  EXPECT_FALSE(limiter.consumeAt("h", huge, 1'000, 1e6).allowed);
}

TEST(RateLimiterTest, ZeroMeansUnlimitedAndStoresNothing) {
  LocalRateLimiter limiter;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.consume("z", {.limit = 0}, 1).allowed);
  EXPECT_EQ(limiter.size(), 0u);
}

TEST(RateLimiterTest, IdleKeysAreSweptAsTheMapGrows) {
  LocalRateLimiter limiter;
  for (int i = 0; i < 50'000; ++i) {
    limiter.consumeAt("key-" + std::to_string(i), kSixtyPerMinute, 1, 1e6 + i * 10.0);
  }
  // Each key's TAT is 1 s after its request; all but the last second's keys are gone.
  EXPECT_LT(limiter.size(), 20'000u);
}

TEST(RateLimiterTest, ChargesOfOneRequestAreAllOrNothing) {
  LocalRateLimiter limiter;
  const RateLimitRule two{.limit = 2}, ten{.limit = 10};
  const std::vector<Charge> request = {{"rpm:org:a", two, 1}, {"rpm:key:k", ten, 1}};
  EXPECT_TRUE(limiter.consumeAllAt(request, 1e6)[0].allowed);
  EXPECT_TRUE(limiter.consumeAllAt(request, 1e6)[0].allowed);
  auto refused = limiter.consumeAllAt(request, 1e6);
  EXPECT_FALSE(refused[0].allowed);
  EXPECT_TRUE(refused[1].allowed);
  // The key was charged twice, not three times: 8 remain for it.
  EXPECT_EQ(limiter.consumeAt("rpm:key:k", ten, 1, 1e6).remaining, 7);
}

}  // namespace
}  // namespace aisafe::resilience
