#include "telemetry/otlp_exporter.h"

#include <charconv>
#include <cmath>

#include "telemetry/logging.h"

namespace aisafe::telemetry {
namespace {

// Written by hand rather than through a JSON DOM: at sampling 1.0 the exporter encodes tens of
// thousands of spans per second on the same cores as the requests, and a DOM costs several
// allocations per field.
void appendEscaped(std::string& out, std::string_view text) {
  constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void appendDouble(std::string& out, double d) {
  // proto3's JSON mapping spells the non-finite values as strings.
  if (std::isnan(d)) {
    out += "\"NaN\"";
  } else if (std::isinf(d)) {
    out += d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
    out.append(buf, ec == std::errc() ? end : buf);
  }
}

void appendStringAttribute(std::string& out, std::string_view key, std::string_view value) {
  out += "{\"key\":";
  appendEscaped(out, key);
  out += ",\"value\":{\"stringValue\":";
  appendEscaped(out, value);
  out += "}}";
}

void appendAttribute(std::string& out, const Attribute& a) {
  if (const auto* s = std::get_if<std::string>(&a.value)) {
    appendStringAttribute(out, a.key, *s);
    return;
  }
  out += "{\"key\":";
  appendEscaped(out, a.key);
  out += ",\"value\":{";
  if (const auto* i = std::get_if<std::int64_t>(&a.value)) {
    out += "\"intValue\":\"";  // int64 is a string in the protobuf JSON mapping
    out += std::to_string(*i);
    out += '"';
  } else if (const auto* d = std::get_if<double>(&a.value)) {
    out += "\"doubleValue\":";
    appendDouble(out, *d);
  } else {
    out += std::get<bool>(a.value) ? "\"boolValue\":true" : "\"boolValue\":false";
  }
  out += "}}";
}

void appendSpan(std::string& out, const SpanData& s) {
  out += "{\"traceId\":\"";
  out += toHex(s.context.trace_id);
  out += "\",\"spanId\":\"";
  out += toHex(s.context.span_id);
  out += '"';
  if (SpanId zero{}; s.parent_span_id != zero) {
    out += ",\"parentSpanId\":\"";
    out += toHex(s.parent_span_id);
    out += '"';
  }
  out += ",\"name\":";
  appendEscaped(out, s.name);
  out += ",\"kind\":";
  out += std::to_string(static_cast<int>(s.kind));
  out += ",\"startTimeUnixNano\":\"";
  out += std::to_string(s.start_unix_ns);
  out += "\",\"endTimeUnixNano\":\"";
  out += std::to_string(s.end_unix_ns);
  out += "\",\"attributes\":[";
  for (std::size_t i = 0; i < s.attributes.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    appendAttribute(out, s.attributes[i]);
  }
  out += ']';
  if (s.error) {
    out += ",\"status\":{\"code\":2,\"message\":";  // STATUS_CODE_ERROR
    appendEscaped(out, s.status_message);
    out += '}';
  }
  out += '}';
}

}  // namespace

std::string encodeOtlpJson(const std::vector<SpanData>& spans, const std::string& service_name,
                           const std::string& service_version) {
  std::string out;
  out.reserve(256 + spans.size() * 700);
  out += "{\"resourceSpans\":[{\"resource\":{\"attributes\":[";
  appendStringAttribute(out, "service.name", service_name);
  out += ',';
  appendStringAttribute(out, "telemetry.sdk.name", "aisafe");
  out += ',';
  appendStringAttribute(out, "telemetry.sdk.language", "cpp");
  if (!service_version.empty()) {
    out += ',';
    appendStringAttribute(out, "service.version", service_version);
  }
  out += "]},\"scopeSpans\":[{\"scope\":{\"name\":\"aisafe\"";
  if (!service_version.empty()) {
    out += ",\"version\":";
    appendEscaped(out, service_version);
  }
  out += "},\"spans\":[";
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    appendSpan(out, spans[i]);
  }
  out += "]}]}]}";
  return out;
}

OtlpExporter::OtlpExporter(ExporterOptions options) : options_(std::move(options)) {
  queue_.reserve(options_.batch_spans);
}

OtlpExporter::~OtlpExporter() { stop(); }

void OtlpExporter::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) {
    return;
  }
  thread_ = std::thread([this] { run(); });
}

void OtlpExporter::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      return;
    }
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
  if (wake) {
    cv_.notify_one();
  }
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
    const std::string body = encodeOtlpJson(part, options_.service_name, options_.service_version);
    const Status st = options_.post ? options_.post(body) : unavailable("no exporter configured");
    if (st.isOk()) {
      exported_.fetch_add(part.size(), std::memory_order_relaxed);
      if (failing_) {
        logInfo("trace export works again");
      }
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
