// The breaker's state machine with a fake clock: opening, refusing, probing, closing.
#include "resilience/circuit_breaker.h"

#include <gtest/gtest.h>

namespace aisafe::resilience {
namespace {
using namespace std::chrono_literals;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::time_point{} + 1000h;
  CircuitBreaker::Clock clock() {
    return [this] { return now_; };
  }
};

TEST_F(CircuitBreakerTest, OpensAfterConsecutiveFailuresAndRefusesUntilRecovery) {
  CircuitBreaker b("redis", {.failure_threshold = 3, .recovery_timeout = 10s}, clock());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(b.allow());
    b.record(false);
  }
  ASSERT_TRUE(b.allow());
  b.record(true);  // a success resets the count
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(b.allow());
    b.record(false);
  }
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_FALSE(b.allow());
  now_ += 9s;
  EXPECT_FALSE(b.allow());
  auto s = b.snapshot();
  EXPECT_EQ(s.rejected, 2u);
  EXPECT_EQ(s.failures, 5u);
  EXPECT_EQ(s.open_for_ms, 9000);
}

TEST_F(CircuitBreakerTest, HalfOpenLetsBoundedProbesThroughThenClosesOrReopens) {
  CircuitBreaker b("x", {.failure_threshold = 1, .recovery_timeout = 5s, .half_open_probes = 2},
                   clock());
  ASSERT_TRUE(b.allow());
  b.record(false);
  now_ += 5s;
  EXPECT_TRUE(b.allow());
  EXPECT_EQ(b.state(), BreakerState::kHalfOpen);
  EXPECT_TRUE(b.allow());
  EXPECT_FALSE(b.allow());  // two probes in flight already
  b.record(false);          // a probe failed: open again, for a full recovery timeout
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_FALSE(b.allow());
  now_ += 5s;
  ASSERT_TRUE(b.allow());
  b.record(true);
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  EXPECT_TRUE(b.allow());
  EXPECT_EQ(b.snapshot().transitions, 5u);  // open, half-open, open, half-open, closed
}

TEST_F(CircuitBreakerTest, SlowCallsCountAsFailures) {
  CircuitBreaker b("slow", {.failure_threshold = 2, .slow_call = 50ms}, clock());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(b.allow());
    b.record(true, 80ms);
  }
  EXPECT_EQ(b.state(), BreakerState::kOpen);
}

TEST(BreakerRegistryTest, OneBreakerPerNameWithStableReferences) {
  BreakerRegistry r({.failure_threshold = 1});
  CircuitBreaker& a = r.get("redis");
  EXPECT_EQ(&a, &r.get("redis"));
  r.get("webhook:wh_1");
  ASSERT_TRUE(a.allow());
  a.record(false);
  auto all = r.snapshots();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "redis");
  EXPECT_EQ(all[0].state, BreakerState::kOpen);
  EXPECT_EQ(all[1].state, BreakerState::kClosed);
}

}  // namespace
}  // namespace aisafe::resilience
