// Unexpected errors to Sentry (SENTRY_DSN, optional): a 5xx answer, an error logged at a module
// edge (a failed audit batch, a webhook outbox write, an exception a handler let escape) become
// Sentry events with the request id, trace id, release and environment.
//
// Off the request path: capture() only formats and queues (bounded; full means dropped and
// counted); one background thread sends envelopes through the sender the application gives it,
// so this module needs no HTTP client of its own. Rate-limited (a token bucket) so an outage that
// fails every request sends a handful of events, not one per request; the same request id is
// reported once. Nothing is sent when SENTRY_DSN is unset: the reporter is never created.
// Never includes a prompt: events carry the log line's message and fields, which the logging
// rules already keep free of prompts and secrets.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/json/object.hpp>

#include "core/status.h"

namespace aisafe::telemetry {

// "https://<public key>@<host>[:port]/[path/]<project id>" → where envelopes go and how to sign.
struct SentryDsn {
  std::string dsn;
  std::string public_key;
  std::string envelope_url;  // <scheme>://<host>[:port]/[path/]api/<project>/envelope/
};

Result<SentryDsn> parseSentryDsn(std::string_view dsn);

struct ErrorEvent {
  std::string message;
  std::string kind;  // "http_5xx", "log_error"
  std::string request_id;
  std::string trace_id;
  boost::json::object fields;  // tags and extra data: route, status, error, ...
};

struct ErrorReporterOptions {
  SentryDsn dsn;
  std::string release;      // "aisafe@0.1.0"
  std::string environment;  // SENTRY_ENVIRONMENT
  std::string server_name;
  std::size_t queue_capacity = 64;
  double events_per_minute = 30;  // sustained rate; bursts up to `burst`
  double burst = 10;
  // Told "sent", "failed" or "dropped" for every event (metrics); any thread, must not block.
  std::function<void(const char* result)> on_result;
};

// One envelope (header line, item header line, event payload line) as Sentry's ingest expects.
std::string buildEnvelope(const ErrorReporterOptions& options, const ErrorEvent& event,
                          const std::string& event_id, std::int64_t now_ms);

class ErrorReporter {
 public:
  struct Delivery {
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
  };
  // Sends one envelope; called on the reporter's thread. Errors are counted, not retried.
  using Sender = std::function<Status(const Delivery&)>;

  ErrorReporter(ErrorReporterOptions options, Sender sender);
  ~ErrorReporter();
  ErrorReporter(const ErrorReporter&) = delete;
  ErrorReporter& operator=(const ErrorReporter&) = delete;

  // Queues an event; never blocks, never throws.
  void capture(ErrorEvent event);
  // Sends what is queued (bounded by a second), then stops the thread.
  void stop();

  std::uint64_t sent() const { return sent_; }
  std::uint64_t failed() const { return failed_; }
  std::uint64_t dropped() const { return dropped_; }  // queue full or over the rate

 private:
  void run();
  bool admit(const ErrorEvent& event);  // rate limit and duplicate request ids; holds mu_

  ErrorReporterOptions options_;
  Sender sender_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ErrorEvent> queue_;
  bool stopping_ = false;
  double tokens_;
  std::int64_t refilled_ms_;
  std::deque<std::string> recent_request_ids_;
  std::atomic<std::uint64_t> sent_{0}, failed_{0}, dropped_{0};
  std::thread thread_;
};

// Routes error-level log lines to `reporter` (nullptr: none). Set once at start, cleared at stop.
void setLogErrorReporter(ErrorReporter* reporter);

}  // namespace aisafe::telemetry
