// One upstream model API (OpenAI-compatible): where it is, the key the proxy sends, and its
// circuit breaker. open() makes the call; failure() turns what went wrong into the caller's
// answer. Shared by threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "http/outbound_stream.h"
#include "http/response.h"
#include "proxy/proxy_settings.h"
#include "resilience/circuit_breaker.h"

namespace aisafe::proxy {

class Upstream {
 public:
  // `breaker` and `client` outlive the upstream.
  Upstream(const ProxySettings& settings, resilience::CircuitBreaker& breaker,
           http::OutboundStreamClient& client);

  // Sends `method` `path` (appended to the upstream URL, "/chat/completions") with `body`; the
  // answer's head has arrived when it returns. Authorization: the caller's
  // X-Upstream-Authorization when pass-through is on and it sent one, else the configured key.
  // Errors: kUnavailable "circuit_open" while the breaker is open, and those of
  // OutboundStreamClient::open (each counted as the breaker's failure).
  boost::asio::awaitable<Result<std::unique_ptr<http::OutboundStream>>> open(
      std::string_view method, std::string_view path, std::string body,
      const http::Request& caller);

  // The breaker's verdict on a call whose answer has arrived: a 5xx is a failure.
  void recordStatus(int status);

  // The caller's answer for a failed call: 503 while the breaker is open, 504 on a timeout,
  // 502 otherwise, in OpenAI's error shape.
  http::Response failure(const http::RequestContext& ctx, const Status& status) const;

 private:
  const ProxySettings& settings_;
  resilience::CircuitBreaker& breaker_;
  http::OutboundStreamClient& client_;
};

}  // namespace aisafe::proxy
