#include "telemetry/error_reporter.h"

#include <algorithm>
#include <cstdio>

#include <boost/json.hpp>

#include "core/clock.h"
#include "telemetry/trace_context.h"

namespace aisafe::telemetry {
namespace json = boost::json;

namespace {

constexpr std::size_t kRecentRequestIds = 64;

std::atomic<ErrorReporter*> log_reporter{nullptr};

}  // namespace

Result<SentryDsn> parseSentryDsn(std::string_view dsn) {
  const auto bad = [&](const char* why) {
    return invalidArgument(std::string("SENTRY_DSN: ") + why +
                           " (expected https://<key>@<host>/<project id>)");
  };
  const auto scheme_end = dsn.find("://");
  if (scheme_end == std::string_view::npos) {
    return bad("no scheme");
  }
  const std::string_view scheme = dsn.substr(0, scheme_end);
  if (scheme != "https" && scheme != "http") {
    return bad("the scheme must be https or http");
  }
  const std::string_view rest = dsn.substr(scheme_end + 3);
  const auto at = rest.find('@');
  if (at == std::string_view::npos || at == 0) {
    return bad("no public key");
  }
  std::string_view key = rest.substr(0, at);
  if (const auto colon = key.find(':'); colon != std::string_view::npos) {
    key = key.substr(0, colon);
  }
  const std::string_view host_path = rest.substr(at + 1);
  const auto slash = host_path.find('/');
  if (slash == std::string_view::npos || slash == 0) {
    return bad("no host or project");
  }
  const std::string_view host = host_path.substr(0, slash);
  std::string_view path = host_path.substr(slash + 1);
  while (!path.empty() && path.back() == '/') {
    path.remove_suffix(1);
  }
  const auto last = path.rfind('/');
  const std::string_view project = last == std::string_view::npos ? path : path.substr(last + 1);
  const std::string_view prefix =
      last == std::string_view::npos ? std::string_view() : path.substr(0, last + 1);
  if (project.empty() || project.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz-_") !=
                             std::string_view::npos) {
    return bad("the project id is missing or malformed");
  }
  SentryDsn out;
  out.dsn = std::string(dsn);
  out.public_key = std::string(key);
  out.envelope_url = std::string(scheme) + "://" + std::string(host) + "/" + std::string(prefix) +
                     "api/" + std::string(project) + "/envelope/";
  return out;
}

std::string buildEnvelope(const ErrorReporterOptions& options, const ErrorEvent& event,
                          const std::string& event_id, std::int64_t now_ms) {
  json::object tags{{"kind", event.kind}};
  if (!event.request_id.empty()) {
    tags["request_id"] = event.request_id;
  }
  json::object extra;
  for (const auto& [k, v] : event.fields) {
    // Short scalar fields are searchable tags; the rest is extra data.
    if ((v.is_string() && v.get_string().size() <= 200) || v.is_int64() || v.is_uint64()) {
      tags[k] = v.is_string() ? v : json::value(json::serialize(v));
    } else {
      extra[k] = v;
    }
  }
  json::object payload{
      {"event_id", event_id},
      {"timestamp", static_cast<double>(now_ms) / 1000.0},
      {"platform", "native"},
      {"level", "error"},
      {"logger", "aisafe"},
      {"release", options.release},
      {"environment", options.environment},
      {"message", json::object{{"formatted", event.message}}},
      {"tags", std::move(tags)},
  };
  if (!options.server_name.empty()) {
    payload["server_name"] = options.server_name;
  }
  if (!extra.empty()) {
    payload["extra"] = std::move(extra);
  }
  if (!event.trace_id.empty()) {
    payload["contexts"] = json::object{{"trace", json::object{{"trace_id", event.trace_id}}}};
  }
  const std::string body = json::serialize(payload);
  const json::object header{
      {"event_id", event_id}, {"sent_at", clock::toRfc3339(now_ms)}, {"dsn", options.dsn.dsn}};
  const json::object item{
      {"type", "event"}, {"content_type", "application/json"}, {"length", body.size()}};
  return json::serialize(header) + "\n" + json::serialize(item) + "\n" + body + "\n";
}

ErrorReporter::ErrorReporter(ErrorReporterOptions options, Sender sender)
    : options_(std::move(options)),
      sender_(std::move(sender)),
      tokens_(options_.burst),
      refilled_ms_(clock::nowMs()) {
  thread_ = std::thread([this] { run(); });
}

ErrorReporter::~ErrorReporter() { stop(); }

bool ErrorReporter::admit(const ErrorEvent& event) {
  if (!event.request_id.empty()) {
    if (std::find(recent_request_ids_.begin(), recent_request_ids_.end(), event.request_id) !=
        recent_request_ids_.end()) {
      return false;  // a handler's exception and the 500 it caused are one event
    }
    recent_request_ids_.push_back(event.request_id);
    if (recent_request_ids_.size() > kRecentRequestIds) {
      recent_request_ids_.pop_front();
    }
  }
  const std::int64_t now = clock::nowMs();
  tokens_ = std::min(options_.burst, tokens_ + static_cast<double>(now - refilled_ms_) *
                                                   options_.events_per_minute / 60'000.0);
  refilled_ms_ = now;
  if (tokens_ < 1.0) {
    return false;
  }
  tokens_ -= 1.0;
  return true;
}

void ErrorReporter::capture(ErrorEvent event) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= options_.queue_capacity || !admit(event)) {
      ++dropped_;
      if (options_.on_result) {
        options_.on_result("dropped");
      }
      return;
    }
    queue_.push_back(std::move(event));
  }
  cv_.notify_one();
}

void ErrorReporter::run() {
  for (;;) {
    ErrorEvent event;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;  // stopping and drained
      }
      event = std::move(queue_.front());
      queue_.pop_front();
    }
    Delivery d;
    d.url = options_.dsn.envelope_url;
    d.headers = {{"Content-Type", "application/x-sentry-envelope"},
                 {"X-Sentry-Auth", "Sentry sentry_version=7, sentry_client=" + options_.release +
                                       ", sentry_key=" + options_.dsn.public_key}};
    // An event id has a trace id's shape: 16 random bytes in hex.
    d.body = buildEnvelope(options_, event, toHex(newTraceId()), clock::nowMs());
    const bool ok = sender_(d).isOk();
    ++(ok ? sent_ : failed_);
    if (options_.on_result) {
      options_.on_result(ok ? "sent" : "failed");
    }
  }
}

void ErrorReporter::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) {
      return;
    }
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void setLogErrorReporter(ErrorReporter* reporter) { log_reporter.store(reporter); }

namespace detail {

// Called by log() for error lines (see logging.cc).
void reportLoggedError(std::string_view message, const boost::json::object& fields) {
  ErrorReporter* reporter = log_reporter.load();
  if (reporter == nullptr) {
    return;
  }
  ErrorEvent e;
  e.message = std::string(message);
  e.kind = "log_error";
  e.fields = fields;
  if (const auto* id = fields.if_contains("request_id"); id != nullptr && id->is_string()) {
    e.request_id = std::string(id->get_string());
  }
  if (const auto* id = fields.if_contains("trace_id"); id != nullptr && id->is_string()) {
    e.trace_id = std::string(id->get_string());
  }
  reporter->capture(std::move(e));
}

}  // namespace detail
}  // namespace aisafe::telemetry
