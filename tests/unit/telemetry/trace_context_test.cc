#include "telemetry/trace_context.h"

#include <set>

#include <gtest/gtest.h>

namespace aisafe::telemetry {
namespace {

constexpr const char* kExample = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(TraceparentTest, ParsesTheSpecificationExample) {
  auto c = parseTraceparent(kExample);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(toHex(c->trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(toHex(c->span_id), "00f067aa0ba902b7");
  EXPECT_TRUE(c->sampled);
  EXPECT_TRUE(c->valid());
}

TEST(TraceparentTest, FormatRoundTrips) {
  auto c = parseTraceparent(kExample);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(formatTraceparent(*c), kExample);
  c->sampled = false;
  EXPECT_EQ(formatTraceparent(*c), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
}

TEST(TraceparentTest, SampledIsTheLowestFlagBit) {
  auto off = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(off.has_value());
  EXPECT_FALSE(off->sampled);
  // Unknown flag bits are ignored, not refused.
  auto other = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02");
  ASSERT_TRUE(other.has_value());
  EXPECT_FALSE(other->sampled);
  auto both = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03");
  ASSERT_TRUE(both.has_value());
  EXPECT_TRUE(both->sampled);
}

TEST(TraceparentTest, RefusesMalformedValues) {
  const char* bad[] = {
      "",
      "00",
      "garbage",
      // upper-case hex
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
      "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      // all-zero ids
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      // version ff is forbidden
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      // wrong lengths and separators
      "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",
      "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
      // version 00 allows nothing after the flags
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
      " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ",
      // non-hex in the ids
      "00-4bf92f3577b34da6a3ce929d0e0e47zz-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902-x-01",
  };
  for (const char* h : bad) EXPECT_FALSE(parseTraceparent(h).has_value()) << h;
}

TEST(TraceparentTest, LaterVersionsMayCarryMoreFields) {
  auto c = parseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(toHex(c->span_id), "00f067aa0ba902b7");
  EXPECT_TRUE(parseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  // ...but only after a '-'.
  EXPECT_FALSE(parseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"));
}

TEST(TraceIdTest, NewIdsAreValidAndDistinct) {
  std::set<std::string> traces, spans;
  for (int i = 0; i < 1000; ++i) {
    SpanContext c{newTraceId(), newSpanId(), true};
    EXPECT_TRUE(c.valid());
    traces.insert(toHex(c.trace_id));
    spans.insert(toHex(c.span_id));
  }
  EXPECT_EQ(traces.size(), 1000u);
  EXPECT_EQ(spans.size(), 1000u);
  EXPECT_FALSE(SpanContext{}.valid());
}

TEST(SamplerTest, RatioBoundsAreExact) {
  for (int i = 0; i < 100; ++i) {
    const TraceId id = newTraceId();
    EXPECT_TRUE(sampledByRatio(id, 1.0));
    EXPECT_TRUE(sampledByRatio(id, 2.0));
    EXPECT_FALSE(sampledByRatio(id, 0.0));
    EXPECT_FALSE(sampledByRatio(id, -1.0));
  }
}

TEST(SamplerTest, DecidesOnTheIdsLastEightBytes) {
  TraceId low{};
  low[15] = 1;  // tiny value: sampled at any positive ratio
  EXPECT_TRUE(sampledByRatio(low, 0.001));
  TraceId high{};
  for (std::size_t i = 8; i < 16; ++i) high[i] = 0xFF;
  EXPECT_FALSE(sampledByRatio(high, 0.999));
  // The first half does not matter.
  TraceId mixed = low;
  for (std::size_t i = 0; i < 8; ++i) mixed[i] = 0xFF;
  EXPECT_TRUE(sampledByRatio(mixed, 0.001));
  // The same id gets the same answer every time (every service agrees on a trace).
  const TraceId id = newTraceId();
  const bool first = sampledByRatio(id, 0.5);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(sampledByRatio(id, 0.5), first);
}

TEST(SamplerTest, SamplesAboutTheRatio) {
  int sampled = 0;
  constexpr int kTrials = 20000;
  for (int i = 0; i < kTrials; ++i) sampled += sampledByRatio(newTraceId(), 0.1) ? 1 : 0;
  // 0.1 of 20000 = 2000, standard deviation about 42: six of them either side.
  EXPECT_GT(sampled, 1750);
  EXPECT_LT(sampled, 2250);
}

}  // namespace
}  // namespace aisafe::telemetry
