#include "telemetry/span.h"

#include <chrono>
#include <utility>

namespace aisafe::telemetry {
namespace {

thread_local SpanContext t_current;

}  // namespace

std::int64_t unixNanosNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Tracer::Tracer(TracerOptions options, SpanSink* sink)
    : options_(options), sink_(options.enabled ? sink : nullptr) {
  if (sink_ == nullptr) {
    options_.enabled = false;
  }
}

Span Tracer::start(std::string_view name, SpanKind kind, const SpanContext& parent,
                   std::int64_t start_unix_ns) const {
  Span span;
  if (!options_.enabled) {
    return span;
  }
  const bool has_parent = parent.valid();
  span.context_.trace_id = has_parent ? parent.trace_id : newTraceId();
  span.context_.span_id = newSpanId();
  span.context_.sampled =
      has_parent ? parent.sampled : sampledByRatio(span.context_.trace_id, options_.sampling_ratio);
  if (!span.context_.sampled) {
    return span;
  }
  span.data_ = std::make_unique<SpanData>();
  span.data_->name = std::string(name);
  span.data_->kind = kind;
  span.data_->context = span.context_;
  if (has_parent) {
    span.data_->parent_span_id = parent.span_id;
  }
  span.data_->start_unix_ns = start_unix_ns != 0 ? start_unix_ns : unixNanosNow();
  span.data_->attributes.reserve(kind == SpanKind::kServer ? 12 : 4);
  span.sink_ = sink_;
  return span;
}

Span::Span(Span&& other) noexcept
    : context_(other.context_), data_(std::move(other.data_)), sink_(other.sink_) {
  other.sink_ = nullptr;
}

Span& Span::operator=(Span&& other) noexcept {
  if (this != &other) {
    end();
    context_ = other.context_;
    data_ = std::move(other.data_);
    sink_ = other.sink_;
    other.sink_ = nullptr;
  }
  return *this;
}

Span Span::nonRecording(const SpanContext& context) {
  Span span;
  span.context_ = context;
  return span;
}

void Span::setString(std::string_view key, std::string_view value) {
  if (data_) {
    data_->attributes.push_back({key, std::string(value)});
  }
}
void Span::setInt(std::string_view key, std::int64_t value) {
  if (data_) {
    data_->attributes.push_back({key, value});
  }
}
void Span::setDouble(std::string_view key, double value) {
  if (data_) {
    data_->attributes.push_back({key, value});
  }
}
void Span::setBool(std::string_view key, bool value) {
  if (data_) {
    data_->attributes.push_back({key, value});
  }
}
void Span::setError(std::string_view message) {
  if (!data_) {
    return;
  }
  data_->error = true;
  data_->status_message = std::string(message);
}

void Span::end() {
  if (data_) {  // a span that records nothing does not read the clock
    endAt(unixNanosNow());
  }
}

void Span::endAt(std::int64_t end_unix_ns) {
  if (!data_) {
    return;
  }
  data_->end_unix_ns = end_unix_ns;
  if (sink_ != nullptr) {
    sink_->submit(std::move(*data_));
  }
  data_.reset();
}

const SpanContext& currentSpanContext() { return t_current; }

ScopedSpanContext::ScopedSpanContext(const SpanContext& context) : saved_(t_current) {
  t_current = context;
}
ScopedSpanContext::~ScopedSpanContext() { t_current = saved_; }

Span RequestTrace::child(std::string_view name, SpanKind kind) const {
  if (server == nullptr) {
    return Span();
  }
  // Not sampled: children record nothing; they share the server span's context, which is
  // what an outgoing call would propagate anyway.
  if (!server->recording()) {
    return Span::nonRecording(server->context());
  }
  return tracer->start(name, kind, server->context());
}

}  // namespace aisafe::telemetry
