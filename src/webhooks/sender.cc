#include "webhooks/sender.h"

#include <optional>

#include <boost/url/parse.hpp>

#include "http/outbound_client.h"
#include "telemetry/trace_context.h"
#include "webhooks/address_policy.h"
#include "webhooks/signature.h"

namespace aisafe::webhooks {
namespace {

constexpr std::size_t kExcerptBytes = 512;

// A client span per attempt, named by the method as the HTTP semantic conventions ask when
// there is no URL template. The host and port only: a webhook URL's path or query may hold a
// token.
telemetry::Span startSpan(const SendOptions& options, const std::string& url,
                          const std::string& msg_id,
                          const std::optional<telemetry::SpanContext>& parent) {
  if (options.tracer == nullptr) {
    return {};
  }
  telemetry::Span span = options.tracer->start("POST", telemetry::SpanKind::kClient,
                                               parent ? *parent : telemetry::currentSpanContext());
  if (span.recording()) {
    span.setString("http.request.method", "POST");
    if (auto u = boost::urls::parse_absolute_uri(url)) {
      span.setString("server.address", u->host());
      if (u->has_port()) {
        span.setInt("server.port", u->port_number());
      }
    }
    span.setString("aisafe.webhook.message_id", msg_id);
  }
  return span;
}

}  // namespace

SendResult send(const std::string& url, const std::vector<std::string>& secrets,
                const std::string& msg_id, std::int64_t timestamp_s, const std::string& body,
                const SendOptions& options, resilience::CircuitBreaker& breaker,
                const std::string& parent_traceparent) {
  SendResult result;
  auto signature = signatureHeader(secrets, msg_id, timestamp_s, body);
  if (!signature) {
    result.error = "cannot sign: " + signature.status().message();
    return result;
  }
  if (!breaker.allow()) {
    result.not_tried = true;
    result.error = "circuit open: the endpoint failed repeatedly; not tried";
    return result;
  }
  http::OutboundRequest request;
  request.method = "POST";
  request.url = url;
  request.body = body;
  request.headers = {{"Content-Type", "application/json"},
                     {"webhook-id", msg_id},
                     {"webhook-timestamp", std::to_string(timestamp_s)},
                     {"webhook-signature", *signature}};
  request.connect_timeout = options.connect_timeout;
  request.timeout = options.timeout;
  request.max_response_bytes = options.max_response_bytes;
  if (!options.allow_private) {
    request.allow_address = isPublicAddress;
  }
  const std::optional<telemetry::SpanContext> parent =
      parent_traceparent.empty() ? std::nullopt : telemetry::parseTraceparent(parent_traceparent);
  telemetry::Span span = startSpan(options, url, msg_id, parent);
  if (span.context().valid()) {
    request.headers.emplace_back("traceparent", telemetry::formatTraceparent(span.context()));
  } else if (parent) {
    // Tracing is off here, but the request that caused the event was traced (by this or
    // another replica): the receiver can still join the delivery to it.
    request.headers.emplace_back("traceparent", telemetry::formatTraceparent(*parent));
  }
  const auto started = std::chrono::steady_clock::now();
  auto response =
      options.pool != nullptr ? options.pool->send(request) : http::sendOutbound(request);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  result.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  if (!response) {
    result.error = response.status().message();
    const std::string& reason = response.status().reason();
    span.setString("error.type", reason.empty() ? "error" : reason);
    span.setError(result.error);
    breaker.record(false, elapsed);
    return result;
  }
  result.status_code = response->status;
  result.excerpt = response->body.substr(0, kExcerptBytes);
  result.delivered = response->status >= 200 && response->status < 300;
  if (!result.delivered) {
    result.error =
        response->status >= 300 && response->status < 400
            ? "redirects are not followed (HTTP " + std::to_string(response->status) + ")"
            : "HTTP " + std::to_string(response->status);
  }
  span.setInt("http.response.status_code", response->status);
  if (!result.delivered) {
    span.setString("error.type", std::to_string(response->status));
    span.setError(result.error);
  }
  breaker.record(result.delivered, elapsed);
  return result;
}

}  // namespace aisafe::webhooks
