// Exports ended spans to an OpenTelemetry collector: OTLP over HTTP with the JSON encoding
// (POST <endpoint>/v1/traces), in batches, from one background thread.
//
// The request path only appends to a bounded queue under a short lock: when the queue is full
// the span is dropped and counted, so a slow or unreachable collector costs requests nothing.
// The thread sends a batch when kBatchSpans are waiting or every flush interval, whichever
// comes first; a failed batch is counted and dropped (no retry: traces are a sample anyway,
// and retrying would let an outage grow the queue). stop() sends what is left, once.
//
// The HTTP call is injected (`Post`) so this module needs no HTTP client: src/app passes the
// outbound client with a short timeout.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "telemetry/span.h"

namespace aisafe::telemetry {

// Spans waiting to be sent; past this, new spans are dropped (about 1 KB each).
constexpr std::size_t kSpanQueueCapacity = 8192;
// Spans per POST: keeps a request body near 0.5 MB at most.
constexpr std::size_t kBatchSpans = 512;

struct ExporterOptions {
  std::string service_name = "aisafe";
  std::string service_version;
  std::size_t queue_capacity = kSpanQueueCapacity;
  std::size_t batch_spans = kBatchSpans;
  std::chrono::milliseconds flush_interval{1000};
  // Sends one OTLP/JSON body; an error (or a non-2xx answer turned into one) counts the batch
  // as failed. Called on the exporter's thread only.
  std::function<Status(const std::string& json_body)> post;
};

// The OTLP/JSON body for `spans` (resourceSpans → scopeSpans → spans): ids in lower-case hex,
// times as decimal strings, kind as a number, attributes as {key, value: {stringValue | intValue
// | doubleValue | boolValue}}.
std::string encodeOtlpJson(const std::vector<SpanData>& spans, const std::string& service_name,
                           const std::string& service_version);

class OtlpExporter final : public SpanSink {
 public:
  explicit OtlpExporter(ExporterOptions options);
  ~OtlpExporter() override;  // stop()s

  // Starts the background thread. Spans submitted before start() wait in the queue.
  void start();
  // Sends what is queued (one attempt) and joins the thread. Idempotent.
  void stop();

  // Never blocks beyond a short lock; drops (and counts) when the queue is full.
  void submit(SpanData&& span) override;

  std::uint64_t exported() const { return exported_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t failed() const { return failed_.load(std::memory_order_relaxed); }
  std::size_t depth() const;

 private:
  void run();
  void send(std::vector<SpanData>& batch);

  ExporterOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<SpanData> queue_;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<std::uint64_t> exported_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> failed_{0};
  bool failing_ = false;  // exporter thread only: logs once per outage, not per batch
};

}  // namespace aisafe::telemetry
