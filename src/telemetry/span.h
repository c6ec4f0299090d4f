// Spans: the Tracer that starts them (sampling decisions) and the RAII Span that records a
// name, a kind, times and attributes and hands them to a SpanSink (the OTLP exporter) when it
// ends. Not the wire format (otlp_exporter.h) nor header parsing (trace_context.h).
//
// Cost: with tracing off a Span is an empty object and every call on it is one branch. A span
// of a trace that is not sampled carries its context (so outgoing calls still propagate it)
// but records nothing. Only sampled spans allocate.
//
// Threading: a Tracer is shared by all threads (immutable after construction). A Span belongs to
// the thread that uses it; it may move between threads but is never used by two at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "telemetry/trace_context.h"

namespace aisafe::telemetry {

// OTLP's numbering of span kinds.
enum class SpanKind : int {
  kInternal = 1,  // a stage inside aisafe (authentication, scan)
  kServer = 2,    // one per HTTP request served
  kClient = 3,    // a call aisafe makes (webhook delivery, JWKS fetch)
};

using AttributeValue = std::variant<std::string, std::int64_t, double, bool>;

struct Attribute {
  std::string_view key;  // always a string literal: attribute names are fixed in the code
  AttributeValue value;
};

// A finished span as the exporter sees it.
struct SpanData {
  std::string name;
  SpanKind kind = SpanKind::kInternal;
  SpanContext context;
  SpanId parent_span_id{};  // all zero: a root span
  std::int64_t start_unix_ns = 0;
  std::int64_t end_unix_ns = 0;
  std::vector<Attribute> attributes;
  bool error = false;
  std::string status_message;  // with error only
};

// Where ended spans go. submit() is called on request threads: it must not block.
class SpanSink {
 public:
  virtual ~SpanSink() = default;
  virtual void submit(SpanData&& span) = 0;
};

struct TracerOptions {
  bool enabled = false;
  double sampling_ratio = 1.0;  // share of new traces recorded; a parent's decision wins
};

// Nanoseconds since the Unix epoch, now.
std::int64_t unixNanosNow();

class Span;

class Tracer {
 public:
  // `sink` must outlive the tracer and every span; may be null when !options.enabled.
  Tracer(TracerOptions options, SpanSink* sink);

  bool enabled() const { return options_.enabled; }

  // Starts a span. With a valid `parent` the span joins its trace and follows its sampled flag
  // (parent-based sampling); otherwise it starts a new trace, sampled by the ratio.
  // `start_unix_ns` 0 means now. Tracing off: a no-op span with an invalid context.
  Span start(std::string_view name, SpanKind kind, const SpanContext& parent,
             std::int64_t start_unix_ns = 0) const;

 private:
  TracerOptions options_;
  SpanSink* sink_;
};

class Span {
 public:
  Span() = default;  // a no-op span: tracing off
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;
  Span(Span&& other) noexcept;
  Span& operator=(Span&& other) noexcept;
  ~Span() { end(); }

  // A span that carries `context` and records nothing (a trace that is not sampled).
  static Span nonRecording(const SpanContext& context);

  // True when this span will be exported: only then are attributes worth computing.
  bool recording() const { return data_ != nullptr; }
  // Valid whenever tracing is on, sampled or not: what outgoing calls propagate.
  const SpanContext& context() const { return context_; }

  // Attributes. `key` must be a string literal. Never pass prompt or answer text, credentials
  // or paths with ids: span attributes leave the process.
  void setString(std::string_view key, std::string_view value);
  void setInt(std::string_view key, std::int64_t value);
  void setDouble(std::string_view key, double value);
  void setBool(std::string_view key, bool value);
  // Marks the span as failed (OTLP status code ERROR) with a short reason.
  void setError(std::string_view message);

  // Records the end time and submits the span; later calls do nothing. The destructor ends it.
  void end();
  // The same with an end time measured elsewhere (a stage timed before its span was made).
  void endAt(std::int64_t end_unix_ns);

 private:
  friend class Tracer;
  SpanContext context_;
  std::unique_ptr<SpanData> data_;  // null: not recording
  SpanSink* sink_ = nullptr;
};

// The span context that outgoing calls made by this thread should continue (webhook test
// deliveries, JWKS fetches made inside a request). Invalid when no scope is open.
const SpanContext& currentSpanContext();

// Makes `context` the thread's current span context until destroyed (then the previous one
// again). Scopes nest; open and close them on the same thread, within synchronous code.
class ScopedSpanContext {
 public:
  explicit ScopedSpanContext(const SpanContext& context);
  ~ScopedSpanContext();
  ScopedSpanContext(const ScopedSpanContext&) = delete;
  ScopedSpanContext& operator=(const ScopedSpanContext&) = delete;

 private:
  SpanContext saved_;
};

// What a request carries through the middleware chain (http::RequestContext::trace).
struct RequestTrace {
  const Tracer* tracer = nullptr;  // null: tracing off
  Span* server = nullptr;          // the request's server span, set by the tracing middleware

  // A child of the server span: a no-op when tracing is off, non-recording when not sampled.
  Span child(std::string_view name, SpanKind kind = SpanKind::kInternal) const;
  // The server span when it records, else null: guard attribute work with it.
  Span* recordingServer() const {
    return server != nullptr && server->recording() ? server : nullptr;
  }
};

}  // namespace aisafe::telemetry
