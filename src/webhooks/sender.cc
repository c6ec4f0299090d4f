#include "webhooks/sender.h"

#include "http/outbound_client.h"
#include "webhooks/address_policy.h"
#include "webhooks/signature.h"

namespace aisafe::webhooks {
namespace {

constexpr std::size_t kExcerptBytes = 512;

}  // namespace

SendResult send(const std::string& url, const std::vector<std::string>& secrets,
                const std::string& msg_id, std::int64_t timestamp_s, const std::string& body,
                const SendOptions& options, resilience::CircuitBreaker& breaker) {
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
  if (!options.allow_private) request.allow_address = isPublicAddress;
  const auto started = std::chrono::steady_clock::now();
  auto response = http::sendOutbound(request);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  result.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  if (!response) {
    result.error = response.status().message();
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
  breaker.record(result.delivered, elapsed);
  return result;
}

}  // namespace aisafe::webhooks
