#include "telemetry/otlp_exporter.h"

#include <boost/json.hpp>

#include "telemetry/logging.h"

namespace aisafe::telemetry {
namespace json = boost::json;
namespace {

json::object attributeJson(const Attribute& a) {
  json::object value;
  if (const auto* s = std::get_if<std::string>(&a.value)) {
    value["stringValue"] = *s;
  } else if (const auto* i = std::get_if<std::int64_t>(&a.value)) {
    value["intValue"] = std::to_string(*i);  // int64 is a string in the protobuf JSON mapping
  } else if (const auto* d = std::get_if<double>(&a.value)) {
    value["doubleValue"] = *d;
  } else {
    value["boolValue"] = std::get<bool>(a.value);
  }
  return json::object{{"key", a.key}, {"value", std::move(value)}};
}

json::object stringAttribute(std::string_view key, std::string_view value) {
  return json::object{{"key", key}, {"value", json::object{{"stringValue", value}}}};
}

json::object spanJson(const SpanData& s) {
  json::object o;
  o["traceId"] = toHex(s.context.trace_id);
  o["spanId"] = toHex(s.context.span_id);
  if (SpanId zero{}; s.parent_span_id != zero) o["parentSpanId"] = toHex(s.parent_span_id);
  o["name"] = s.name;
  o["kind"] = static_cast<int>(s.kind);
  o["startTimeUnixNano"] = std::to_string(s.start_unix_ns);
  o["endTimeUnixNano"] = std::to_string(s.end_unix_ns);
  json::array attributes;
  attributes.reserve(s.attributes.size());
  for (const auto& a : s.attributes) attributes.push_back(attributeJson(a));
  o["attributes"] = std::move(attributes);
  if (s.error) {
    o["status"] = json::object{{"code", 2}, {"message", s.status_message}};  // STATUS_CODE_ERROR
  }
  return o;
}

}  // namespace

std::string encodeOtlpJson(const std::vector<SpanData>& spans, const std::string& service_name,
                           const std::string& service_version) {
  json::array resource_attributes{stringAttribute("service.name", service_name),
                                  stringAttribute("telemetry.sdk.name", "aisafe"),
                                  stringAttribute("telemetry.sdk.language", "cpp")};
  if (!service_version.empty()) {
    resource_attributes.push_back(stringAttribute("service.version", service_version));
  }
  json::array span_array;
  span_array.reserve(spans.size());
  for (const auto& s : spans) span_array.push_back(spanJson(s));
  json::object scope{{"name", "aisafe"}};
  if (!service_version.empty()) scope["version"] = service_version;
  json::object scope_spans{{"scope", std::move(scope)}, {"spans", std::move(span_array)}};
  json::object resource_spans{
      {"resource", json::object{{"attributes", std::move(resource_attributes)}}},
      {"scopeSpans", json::array{std::move(scope_spans)}}};
  return json::serialize(json::object{{"resourceSpans", json::array{std::move(resource_spans)}}});
}

OtlpExporter::OtlpExporter(ExporterOptions options) : options_(std::move(options)) {
  queue_.reserve(options_.batch_spans);
}

OtlpExporter::~OtlpExporter() { stop(); }

void OtlpExporter::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { run(); });
}

void OtlpExporter::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();  // run() sends the rest before it returns
  } else {
    std::vector<SpanData> rest;
    {
      std::lock_guard lock(mu_);
      rest.swap(queue_);
    }
    send(rest);
  }
}

void OtlpExporter::submit(SpanData&& span) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= options_.queue_capacity || stopping_) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    queue_.push_back(std::move(span));
    // Woken once per full batch, not per span: a notify costs a system call when someone waits.
    wake = queue_.size() == options_.batch_spans;
  }
  if (wake) cv_.notify_one();
}

std::size_t OtlpExporter::depth() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void OtlpExporter::run() {
  std::vector<SpanData> batch;
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait_for(lock, options_.flush_interval,
                 [this] { return stopping_ || queue_.size() >= options_.batch_spans; });
    const bool last = stopping_;
    batch.swap(queue_);
    queue_.reserve(options_.batch_spans);
    lock.unlock();
    send(batch);
    batch.clear();
    if (last) {
      // Spans ended between the swap and the stop flag reach here too.
      lock.lock();
      batch.swap(queue_);
      lock.unlock();
      send(batch);
      return;
    }
    lock.lock();
  }
}

void OtlpExporter::send(std::vector<SpanData>& spans) {
  for (std::size_t from = 0; from < spans.size(); from += options_.batch_spans) {
    const std::size_t to = std::min(spans.size(), from + options_.batch_spans);
    std::vector<SpanData> part(std::make_move_iterator(spans.begin() + static_cast<long>(from)),
                               std::make_move_iterator(spans.begin() + static_cast<long>(to)));
    const std::string body =
        encodeOtlpJson(part, options_.service_name, options_.service_version);
    const Status st = options_.post ? options_.post(body) : unavailable("no exporter configured");
    if (st.isOk()) {
      exported_.fetch_add(part.size(), std::memory_order_relaxed);
      if (failing_) logInfo("trace export works again");
      failing_ = false;
    } else {
      failed_.fetch_add(part.size(), std::memory_order_relaxed);
      if (!failing_) {
        // Once per outage: a collector that is down would otherwise log every second.
        logWarn("trace export failed; spans are dropped until the collector answers",
                {{"error", st.message()}});
      }
      failing_ = true;
    }
  }
}

}  // namespace aisafe::telemetry
