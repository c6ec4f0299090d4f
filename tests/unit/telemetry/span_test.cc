#include "telemetry/span.h"

#include <limits>
#include <mutex>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "telemetry/otlp_exporter.h"

namespace aisafe::telemetry {
namespace {
namespace json = boost::json;

// Keeps what it is given: a fake sink, no thread.
class CollectingSink : public SpanSink {
 public:
  void submit(SpanData&& span) override { spans.push_back(std::move(span)); }
  std::vector<SpanData> spans;
};

const AttributeValue* attribute(const SpanData& s, std::string_view key) {
  for (const auto& a : s.attributes) {
    if (a.key == key) return &a.value;
  }
  return nullptr;
}

TEST(TracerTest, OffMeansNoContextAndNothingRecorded) {
  CollectingSink sink;
  Tracer tracer(TracerOptions{.enabled = false}, &sink);
  {
    Span span = tracer.start("x", SpanKind::kServer, {});
    EXPECT_FALSE(span.recording());
    EXPECT_FALSE(span.context().valid());
    span.setString("k", "v");
  }
  EXPECT_TRUE(sink.spans.empty());
  RequestTrace trace;  // what a request carries when the tracing middleware is not installed
  Span child = trace.child("scan");
  EXPECT_FALSE(child.recording());
  EXPECT_EQ(trace.recordingServer(), nullptr);
}

TEST(TracerTest, RootSpanRecordsNameKindTimesAndAttributes) {
  CollectingSink sink;
  Tracer tracer(TracerOptions{.enabled = true, .sampling_ratio = 1.0}, &sink);
  SpanContext ctx;
  {
    Span span = tracer.start("POST /api/v1/validate", SpanKind::kServer, {});
    ASSERT_TRUE(span.recording());
    ctx = span.context();
    span.setString("http.route", "/api/v1/validate");
    span.setInt("http.response.status_code", 200);
    span.setBool("aisafe.cache.hit", false);
    span.setDouble("aisafe.risk", 0.5);
  }
  ASSERT_EQ(sink.spans.size(), 1u);
  const SpanData& s = sink.spans[0];
  EXPECT_EQ(s.name, "POST /api/v1/validate");
  EXPECT_EQ(s.kind, SpanKind::kServer);
  EXPECT_EQ(s.context.trace_id, ctx.trace_id);
  EXPECT_EQ(s.parent_span_id, SpanId{});
  EXPECT_GT(s.start_unix_ns, 0);
  EXPECT_GE(s.end_unix_ns, s.start_unix_ns);
  ASSERT_NE(attribute(s, "http.response.status_code"), nullptr);
  EXPECT_EQ(std::get<std::int64_t>(*attribute(s, "http.response.status_code")), 200);
  EXPECT_EQ(std::get<std::string>(*attribute(s, "http.route")), "/api/v1/validate");
}

TEST(TracerTest, ChildrenJoinTheParentsTrace) {
  CollectingSink sink;
  Tracer tracer(TracerOptions{.enabled = true}, &sink);
  auto parent = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(parent.has_value());
  Span server = tracer.start("GET /x", SpanKind::kServer, *parent);
  RequestTrace trace{&tracer, &server};
  { Span scan = trace.child("scan"); }
  server.end();
  ASSERT_EQ(sink.spans.size(), 2u);
  EXPECT_EQ(sink.spans[0].name, "scan");
  EXPECT_EQ(sink.spans[0].parent_span_id, server.context().span_id);
  EXPECT_EQ(sink.spans[1].parent_span_id, parent->span_id);
  EXPECT_EQ(toHex(sink.spans[0].context.trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(toHex(sink.spans[1].context.trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(TracerTest, ParentDecisionWinsOverTheRatio) {
  CollectingSink sink;
  // Ratio 0 would sample no new trace, but a sampled parent is followed...
  Tracer never(TracerOptions{.enabled = true, .sampling_ratio = 0.0}, &sink);
  auto sampled = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EXPECT_TRUE(never.start("a", SpanKind::kServer, *sampled).recording());
  EXPECT_FALSE(never.start("b", SpanKind::kServer, {}).recording());
  // ...and so is an unsampled one at ratio 1, which still propagates its context.
  Tracer always(TracerOptions{.enabled = true, .sampling_ratio = 1.0}, &sink);
  auto unsampled = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  Span s = always.start("c", SpanKind::kServer, *unsampled);
  EXPECT_FALSE(s.recording());
  EXPECT_TRUE(s.context().valid());
  EXPECT_FALSE(s.context().sampled);
  RequestTrace trace{&always, &s};
  Span child = trace.child("scan");
  EXPECT_FALSE(child.recording());
  EXPECT_EQ(child.context().trace_id, unsampled->trace_id);
}

TEST(TracerTest, ScopedContextNestsAndRestores) {
  EXPECT_FALSE(currentSpanContext().valid());
  SpanContext a{newTraceId(), newSpanId(), true};
  {
    ScopedSpanContext outer(a);
    EXPECT_EQ(currentSpanContext().span_id, a.span_id);
    SpanContext b{a.trace_id, newSpanId(), true};
    {
      ScopedSpanContext inner(b);
      EXPECT_EQ(currentSpanContext().span_id, b.span_id);
    }
    EXPECT_EQ(currentSpanContext().span_id, a.span_id);
  }
  EXPECT_FALSE(currentSpanContext().valid());
}

SpanData sampleSpan(std::string name) {
  SpanData s;
  s.name = std::move(name);
  s.kind = SpanKind::kClient;
  s.context = {newTraceId(), newSpanId(), true};
  s.parent_span_id = newSpanId();
  s.start_unix_ns = 1700000000000000000;
  s.end_unix_ns = 1700000000000001000;
  s.attributes = {{"http.request.method", std::string("POST")},
                  {"http.response.status_code", std::int64_t{503}},
                  {"aisafe.cache.hit", true},
                  {"aisafe.risk", 0.25}};
  s.error = true;
  s.status_message = "HTTP 503";
  return s;
}

TEST(OtlpJsonTest, FollowsTheOtlpJsonMapping) {
  const SpanData s = sampleSpan("POST");
  const json::value v = json::parse(encodeOtlpJson({s}, "gateway", "1.2.3"));
  const auto& rs = v.at("resourceSpans").at(0);
  const auto& resource_attrs = rs.at("resource").at("attributes").as_array();
  EXPECT_EQ(resource_attrs.at(0).at("key"), "service.name");
  EXPECT_EQ(resource_attrs.at(0).at("value").at("stringValue"), "gateway");
  const auto& span = rs.at("scopeSpans").at(0).at("spans").at(0);
  EXPECT_EQ(span.at("traceId"), json::value(toHex(s.context.trace_id)));
  EXPECT_EQ(span.at("spanId"), json::value(toHex(s.context.span_id)));
  EXPECT_EQ(span.at("parentSpanId"), json::value(toHex(s.parent_span_id)));
  EXPECT_EQ(span.at("kind"), 3);
  EXPECT_EQ(span.at("startTimeUnixNano"), "1700000000000000000");
  EXPECT_EQ(span.at("endTimeUnixNano"), "1700000000000001000");
  const auto& attrs = span.at("attributes").as_array();
  EXPECT_EQ(attrs.at(0).at("value").at("stringValue"), "POST");
  EXPECT_EQ(attrs.at(1).at("value").at("intValue"), "503");
  EXPECT_EQ(attrs.at(2).at("value").at("boolValue"), true);
  EXPECT_EQ(attrs.at(3).at("value").at("doubleValue"), 0.25);
  EXPECT_EQ(span.at("status").at("code"), 2);
}

TEST(OtlpJsonTest, EscapesStringsAndSpellsNonFiniteDoubles) {
  SpanData s = sampleSpan("quote \" backslash \\ newline \n tab \t bell \x07 é");
  s.attributes = {{"a", std::numeric_limits<double>::infinity()}, {"b", std::int64_t{-5}}};
  const json::value v = json::parse(encodeOtlpJson({s}, "svc \"x\"", "1"));
  const auto& span = v.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0);
  EXPECT_EQ(span.at("name"), json::value(s.name));
  EXPECT_EQ(span.at("attributes").at(0).at("value").at("doubleValue"), "Infinity");
  EXPECT_EQ(span.at("attributes").at(1).at("value").at("intValue"), "-5");
  EXPECT_EQ(span.at("status").at("message"), "HTTP 503");
  EXPECT_EQ(v.at("resourceSpans")
                .at(0)
                .at("resource")
                .at("attributes")
                .at(0)
                .at("value")
                .at("stringValue"),
            "svc \"x\"");
}

TEST(OtlpJsonTest, RootSpansHaveNoParentField) {
  SpanData s = sampleSpan("GET /health");
  s.parent_span_id = {};
  s.error = false;
  const json::value v = json::parse(encodeOtlpJson({s}, "aisafe", ""));
  const auto& span = v.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0);
  EXPECT_EQ(span.as_object().if_contains("parentSpanId"), nullptr);
  EXPECT_EQ(span.as_object().if_contains("status"), nullptr);
}

struct Posts {
  std::mutex mu;
  std::vector<std::string> bodies;
  Status answer = Status::ok();
};

ExporterOptions optionsFor(Posts& posts) {
  ExporterOptions o;
  o.flush_interval = std::chrono::milliseconds(20);
  o.post = [&posts](const std::string& body) {
    std::lock_guard lock(posts.mu);
    posts.bodies.push_back(body);
    return posts.answer;
  };
  return o;
}

std::size_t spanCount(const std::string& body) {
  return json::parse(body)
      .at("resourceSpans")
      .at(0)
      .at("scopeSpans")
      .at(0)
      .at("spans")
      .as_array()
      .size();
}

TEST(OtlpExporterTest, BatchesAndFlushesOnStop) {
  Posts posts;
  ExporterOptions o = optionsFor(posts);
  o.batch_spans = 4;
  o.flush_interval = std::chrono::hours(1);  // only full batches and stop() send
  OtlpExporter exporter(std::move(o));
  exporter.start();
  for (int i = 0; i < 10; ++i) exporter.submit(sampleSpan("s"));
  exporter.stop();
  std::size_t total = 0;
  for (const auto& b : posts.bodies) {
    EXPECT_LE(spanCount(b), 4u);
    total += spanCount(b);
  }
  EXPECT_EQ(total, 10u);
  EXPECT_EQ(exporter.exported(), 10u);
  EXPECT_EQ(exporter.dropped(), 0u);
}

TEST(OtlpExporterTest, DropsWhenTheQueueIsFullAndCountsFailures) {
  Posts posts;
  posts.answer = unavailable("collector down");
  ExporterOptions o = optionsFor(posts);
  o.queue_capacity = 5;
  OtlpExporter exporter(std::move(o));  // not started: nothing drains the queue
  for (int i = 0; i < 8; ++i) exporter.submit(sampleSpan("s"));
  EXPECT_EQ(exporter.depth(), 5u);
  EXPECT_EQ(exporter.dropped(), 3u);
  exporter.stop();  // one attempt, which fails
  EXPECT_EQ(exporter.failed(), 5u);
  EXPECT_EQ(exporter.exported(), 0u);
  exporter.submit(sampleSpan("late"));  // after stop: dropped, never blocks
  EXPECT_EQ(exporter.dropped(), 4u);
}

TEST(OtlpExporterTest, SendsOnTheIntervalWithoutAFullBatch) {
  Posts posts;
  OtlpExporter exporter(optionsFor(posts));
  Tracer tracer(TracerOptions{.enabled = true}, &exporter);
  exporter.start();
  { Span s = tracer.start("one", SpanKind::kInternal, {}); }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (exporter.exported() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(exporter.exported(), 1u);
  exporter.stop();
}

}  // namespace
}  // namespace aisafe::telemetry
