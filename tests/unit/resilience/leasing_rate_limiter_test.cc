// Leased slices of shared limits: most decisions without a call to the shared limiter, never
// more than the limit across replicas, exact where a limit is too small to slice, all or nothing.
#include "resilience/leasing_rate_limiter.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

namespace aisafe::resilience {
namespace {

// Stands for Redis: one limiter every replica reaches, counting how often it is asked.
class Counted final : public RateLimiter {
 public:
  explicit Counted(RateLimiter& fleet) : fleet_(fleet) {}
  std::vector<RateLimitResult> consumeAll(const std::vector<Charge>& charges) override {
    ++calls;
    return fleet_.consumeAll(charges);
  }
  std::atomic<int> calls{0};

 private:
  RateLimiter& fleet_;
};

struct Replica {
  explicit Replica(RateLimiter& fleet, LeasingRateLimiter::Options options = {})
      : limiter(std::make_unique<Counted>(fleet), options) {}
  LeasingRateLimiter limiter;
};

constexpr RateLimitRule kThousandPerMinute{.limit = 1000, .period_ms = 60'000};

TEST(LeasingRateLimiterTest, MostRequestsAreDecidedFromTheLease) {
  LocalRateLimiter fleet;
  auto counted = std::make_unique<Counted>(fleet);
  Counted* calls = counted.get();
  LeasingRateLimiter limiter(std::move(counted), {.fraction = 0.02});  // slices of 20
  for (int i = 0; i < 100; ++i) {
    auto r = limiter.consume("org:a", kThousandPerMinute, 1);
    ASSERT_TRUE(r.allowed);
    EXPECT_LE(r.remaining, 1000);
  }
  EXPECT_LE(calls->calls.load(), 5);
  EXPECT_GE(limiter.servedFromLeases(), 95u);
}

TEST(LeasingRateLimiterTest, ReplicasNeverAdmitMoreThanTheLimit) {
  LocalRateLimiter fleet;
  constexpr RateLimitRule kHundred{.limit = 100, .period_ms = 60'000};
  Replica a(fleet, {.fraction = 0.05}), b(fleet, {.fraction = 0.05});
  int admitted = 0;
  for (int i = 0; i < 150; ++i) {
    admitted += a.limiter.consume("org:a", kHundred, 1).allowed;
    admitted += b.limiter.consume("org:a", kHundred, 1).allowed;
  }
  // Every leased unit was charged in the fleet first; none expired during the loop.
  EXPECT_EQ(admitted, 100);
}

TEST(LeasingRateLimiterTest, LimitsTooSmallToSliceAreExact) {
  LocalRateLimiter fleet;
  auto counted = std::make_unique<Counted>(fleet);
  Counted* calls = counted.get();
  LeasingRateLimiter limiter(std::move(counted), {.fraction = 0.02});
  constexpr RateLimitRule kTen{.limit = 10, .period_ms = 60'000};
  int admitted = 0;
  for (int i = 0; i < 12; ++i) admitted += limiter.consume("org:a", kTen, 1).allowed;
  EXPECT_EQ(admitted, 10);
  EXPECT_EQ(calls->calls.load(), 12);
}

TEST(LeasingRateLimiterTest, ChargesAreAllOrNothing) {
  LocalRateLimiter fleet;
  LeasingRateLimiter limiter(std::make_unique<Counted>(fleet), {.fraction = 0.1});
  const std::vector<Charge> request = {{"org:a", kThousandPerMinute, 1},
                                       {"key:k", {.limit = 2, .period_ms = 60'000}, 1}};
  EXPECT_TRUE(limiter.consumeAll(request)[1].allowed);
  EXPECT_TRUE(limiter.consumeAll(request)[1].allowed);
  const auto refused = limiter.consumeAll(request);
  EXPECT_FALSE(refused[1].allowed);
  // The organization's units were not spent on the refused request: 998 remain for others.
  int org_only = 0;
  for (int i = 0; i < 1000; ++i)
    org_only += limiter.consume("org:a", kThousandPerMinute, 1).allowed;
  EXPECT_EQ(org_only, 998);
}

TEST(LeasingRateLimiterTest, UnusedLeasesExpire) {
  LocalRateLimiter fleet;
  auto counted = std::make_unique<Counted>(fleet);
  Counted* calls = counted.get();
  LeasingRateLimiter limiter(std::move(counted),
                             {.fraction = 0.02, .lease_ttl = std::chrono::milliseconds(50)});
  ASSERT_TRUE(limiter.consume("org:a", kThousandPerMinute, 1).allowed);
  ASSERT_TRUE(limiter.consume("org:a", kThousandPerMinute, 1).allowed);
  EXPECT_EQ(calls->calls.load(), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  ASSERT_TRUE(limiter.consume("org:a", kThousandPerMinute, 1).allowed);
  EXPECT_EQ(calls->calls.load(), 2);  // the expired slice was not used
}

TEST(LeasingRateLimiterTest, ExpiredLeasesOfIdleKeysAreDropped) {
  LocalRateLimiter fleet;
  LeasingRateLimiter limiter(
      std::make_unique<Counted>(fleet),
      {.fraction = 0.02, .lease_ttl = std::chrono::milliseconds(200), .sweep_above = 10});
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(limiter.consume("key:" + std::to_string(i), kThousandPerMinute, 1).allowed);
  }
  EXPECT_EQ(limiter.leaseCount(), 20u);  // past the threshold, but none has expired yet
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  ASSERT_TRUE(limiter.consume("key:new", kThousandPerMinute, 1).allowed);
  EXPECT_EQ(limiter.leaseCount(), 1u);
}

}  // namespace
}  // namespace aisafe::resilience
