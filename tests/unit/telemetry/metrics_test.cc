#include "telemetry/metrics.h"

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

TEST(MetricsTest, LabelValuesAreEscaped) {
  EXPECT_EQ(renderLabels({{"a", "x\"y\\z\n"}}), "{a=\"x\\\"y\\\\z\\n\"}");
}

}  // namespace
}  // namespace aisafe::telemetry
