// One upstream model API: where it is, the key the proxy sends and how, the caller's headers it
// passes on, and its circuit breaker. open() makes the call; failure() says what went wrong in
// terms the route renders in its provider's error shape. Shared by threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "http/outbound_stream.h"
#include "http/response.h"
#include "proxy/proxy_settings.h"
#include "resilience/circuit_breaker.h"

namespace aisafe::proxy {

struct UpstreamConfig {
  std::string base_url;  // no trailing slash: "https://api.openai.com/v1"
  std::string api_key;   // never logged
  // How the key travels: "Authorization: Bearer <key>" (OpenAI) or "x-api-key: <key>" (Anthropic).
  enum class KeyHeader { kBearer, kXApiKey } key_header = KeyHeader::kBearer;
  // Caller headers passed on as they are (Anthropic's anthropic-version and anthropic-beta).
  std::vector<std::string> forwarded_headers;
};

// Why a call failed, for the caller: an HTTP status, a stable code and a message.
struct UpstreamFailure {
  http::Status status;
  std::string code;  // upstream_circuit_open, upstream_timeout, upstream_unreachable
  std::string message;
};

class Upstream {
 public:
  // `settings` (the timeouts), `breaker` and `client` outlive the upstream.
  Upstream(const ProxySettings& settings, UpstreamConfig config,
           resilience::CircuitBreaker& breaker, http::OutboundStreamClient& client);

  // Sends `method` `path` (appended to the base URL, "/chat/completions") with `body`; the
  // answer's head has arrived when it returns. The key: the caller's X-Upstream-Authorization
  // when pass-through is on and it sent one (its value as it is, in this upstream's key header),
  // else the configured key. Errors: kUnavailable "circuit_open" while the breaker is open, and
  // those of OutboundStreamClient::open (each counted as the breaker's failure).
  boost::asio::awaitable<Result<std::unique_ptr<http::OutboundStream>>> open(
      std::string_view method, std::string_view path, std::string body,
      const http::Request& caller);

  // The breaker's verdict on a call whose answer has arrived: a 5xx is a failure.
  void recordStatus(int status);

  // 503 while the breaker is open, 504 on a timeout, 502 otherwise.
  static UpstreamFailure failure(const Status& status);
  // PROXY_UPSTREAM_URL or PROXY_ANTHROPIC_URL, for messages.
  const std::string& baseUrl() const { return config_.base_url; }

 private:
  const ProxySettings& settings_;
  const UpstreamConfig config_;
  resilience::CircuitBreaker& breaker_;
  http::OutboundStreamClient& client_;
};

// A 4xx of the upstream, to the caller as it is (its SDK knows the shape: 401, 404, 429 with
// Retry-After); it carries no model output.
http::Response passUpstreamAnswer(const http::OutboundStream& stream, std::string body);

}  // namespace aisafe::proxy
