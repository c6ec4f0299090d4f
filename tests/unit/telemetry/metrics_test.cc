#include "telemetry/metrics.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace aisafe::telemetry {
namespace {

TEST(MetricsTest, RendersPrometheusText) {
  Registry r;
  auto& c = r.counter("t_requests_total", "Requests");
  c.inc({{"route", "/x"}, {"status", "200"}});
  c.inc({{"route", "/x"}, {"status", "200"}});
  auto& h = r.histogram("t_latency_seconds", "Latency", {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  r.gauge("t_depth", "Depth", [] { return 3.0; });
  const std::string text = r.render();
  EXPECT_NE(text.find("# TYPE t_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("t_requests_total{route=\"/x\",status=\"200\"} 2"), std::string::npos);
  EXPECT_NE(text.find("t_latency_seconds_bucket{le=\"0.1\"} 1"), std::string::npos);
  EXPECT_NE(text.find("t_latency_seconds_bucket{le=\"+Inf\"} 2"), std::string::npos);
  EXPECT_NE(text.find("t_latency_seconds_count 2"), std::string::npos);
  EXPECT_NE(text.find("t_depth 3"), std::string::npos);
}

// Each thread counts into its own shard; render() and value() must add every shard up.
TEST(MetricsTest, CountsFromManyThreadsAddUp) {
  Registry r;
  auto& c = r.counter("t_total", "Total");
  auto& h = r.histogram("t_seconds", "Seconds", {0.1, 1});
  constexpr int kThreads = 20;  // more than the shards, so some threads share one
  constexpr int kEach = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&c, &h, t] {
      for (int i = 0; i < kEach; ++i) {
        c.inc({{"parity", t % 2 == 0 ? "even" : "odd"}});
        h.observe(i % 2 == 0 ? 0.05 : 0.5);
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  EXPECT_EQ(c.value({{"parity", "even"}}), kThreads / 2 * kEach);
  EXPECT_EQ(c.value({{"parity", "odd"}}), kThreads / 2 * kEach);
  const std::string text = r.render();
  EXPECT_NE(text.find("t_total{parity=\"even\"} 20000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("t_seconds_bucket{le=\"0.1\"} 20000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("t_seconds_bucket{le=\"1\"} 40000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("t_seconds_bucket{le=\"+Inf\"} 40000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("t_seconds_count 40000\n"), std::string::npos) << text;
}

TEST(MetricsTest, HistogramBucketsAreCumulativeAndBoundsInclusive) {
  Registry r;
  auto& h = r.histogram("t_size", "Size", {1, 2, 4});
  for (double v : {0.5, 1.0, 2.0, 3.0, 4.0, 9.0}) {
    h.observe(v);
  }
  const std::string text = r.render();
  EXPECT_NE(text.find("t_size_bucket{le=\"1\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("t_size_bucket{le=\"2\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("t_size_bucket{le=\"4\"} 5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("t_size_bucket{le=\"+Inf\"} 6\n"), std::string::npos) << text;
  EXPECT_NE(text.find("t_size_sum 19.5\n"), std::string::npos) << text;
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  EXPECT_EQ(renderLabels({{"a", "x\"y\\z\n"}}), "{a=\"x\\\"y\\\\z\\n\"}");
}

TEST(MetricsTest, LabelPairCacheRendersLikeRenderLabels) {
  LabelPairCache cache("decision", "surface", 2);
  EXPECT_EQ(cache.rendered("block", "input"),
            renderLabels({{"decision", "block"}, {"surface", "input"}}));
  // A second call may clear the cache (here, at two sets), so each result is read before it.
  const std::string* first = &cache.rendered("block", "input");
  EXPECT_EQ(first, &cache.rendered("block", "input"));
  // No two different pairs share a key: "a\nb" + "c" is not "a" + "b\nc".
  const std::string split_late = cache.rendered("a\nb", "c");
  const std::string split_early = cache.rendered("a", "b\nc");
  EXPECT_EQ(split_late, renderLabels({{"decision", "a\nb"}, {"surface", "c"}}));
  EXPECT_EQ(split_early, renderLabels({{"decision", "a"}, {"surface", "b\nc"}}));
  EXPECT_NE(split_late, split_early);
  // Past the limit it starts over and still renders right; values are escaped.
  EXPECT_EQ(cache.rendered("x\"y", "z"), renderLabels({{"decision", "x\"y"}, {"surface", "z"}}));
  EXPECT_EQ(cache.rendered("allow", "output"),
            renderLabels({{"decision", "allow"}, {"surface", "output"}}));
}

}  // namespace
}  // namespace aisafe::telemetry
