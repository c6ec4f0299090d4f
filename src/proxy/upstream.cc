#include "proxy/upstream.h"

#include "proxy/openai_error.h"

namespace aisafe::proxy {

Upstream::Upstream(const ProxySettings& settings, resilience::CircuitBreaker& breaker,
                   http::OutboundStreamClient& client)
    : settings_(settings), breaker_(breaker), client_(client) {}

boost::asio::awaitable<Result<std::unique_ptr<http::OutboundStream>>> Upstream::open(
    std::string_view method, std::string_view path, std::string body, const http::Request& caller) {
  if (!breaker_.allow()) {
    co_return Status(StatusCode::kUnavailable, "the upstream is failing; calls are paused",
                     "circuit_open");
  }
  http::StreamRequest request;
  request.method = std::string(method);
  request.url = settings_.upstream_url + std::string(path);
  request.body = std::move(body);
  request.connect_timeout = settings_.connect_timeout;
  request.first_byte_timeout = settings_.first_byte_timeout;
  request.idle_timeout = settings_.idle_timeout;
  if (!request.body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
  }
  request.headers.emplace_back("Accept", "application/json, text/event-stream");
  const auto passed = caller.find("X-Upstream-Authorization");
  if (settings_.passthrough_auth && passed != caller.end() && !passed->value().empty()) {
    request.headers.emplace_back("Authorization", std::string(passed->value()));
  } else if (!settings_.upstream_api_key.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + settings_.upstream_api_key);
  }
  const auto started = std::chrono::steady_clock::now();
  auto stream = co_await client_.open(request);
  if (!stream) {
    breaker_.record(false, std::chrono::steady_clock::now() - started);
  }
  co_return stream;
}

void Upstream::recordStatus(int status) { breaker_.record(status < 500); }

http::Response Upstream::failure(const http::RequestContext& ctx, const Status& status) const {
  if (status.reason() == "circuit_open") {
    http::Response res = openAiError(ctx, http::Status::service_unavailable, "upstream_error",
                                     "upstream_circuit_open", status.message());
    res.set(boost::beast::http::field::retry_after, "5");
    return res;
  }
  if (status.reason() == "timeout") {
    return openAiError(ctx, http::Status::gateway_timeout, "upstream_error", "upstream_timeout",
                       "the model API did not answer in time: " + status.message());
  }
  return openAiError(ctx, http::Status::bad_gateway, "upstream_error", "upstream_unreachable",
                     "the model API could not be reached: " + status.message());
}

}  // namespace aisafe::proxy
