#include "proxy/upstream.h"

namespace aisafe::proxy {

Upstream::Upstream(const ProxySettings& settings, UpstreamConfig config,
                   resilience::CircuitBreaker& breaker, http::OutboundStreamClient& client)
    : settings_(settings), config_(std::move(config)), breaker_(breaker), client_(client) {}

boost::asio::awaitable<Result<std::unique_ptr<http::OutboundStream>>> Upstream::open(
    std::string_view method, std::string_view path, std::string body, const http::Request& caller) {
  if (!breaker_.allow()) {
    co_return Status(StatusCode::kUnavailable, "the upstream is failing; calls are paused",
                     "circuit_open");
  }
  http::StreamRequest request;
  request.method = std::string(method);
  request.url = config_.base_url + std::string(path);
  request.body = std::move(body);
  request.connect_timeout = settings_.connect_timeout;
  request.first_byte_timeout = settings_.first_byte_timeout;
  request.idle_timeout = settings_.idle_timeout;
  if (!request.body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
  }
  request.headers.emplace_back("Accept", "application/json, text/event-stream");
  const bool bearer = config_.key_header == UpstreamConfig::KeyHeader::kBearer;
  const auto passed = caller.find("X-Upstream-Authorization");
  if (settings_.passthrough_auth && passed != caller.end() && !passed->value().empty()) {
    request.headers.emplace_back(bearer ? "Authorization" : "x-api-key",
                                 std::string(passed->value()));
  } else if (!config_.api_key.empty()) {
    request.headers.emplace_back(bearer ? "Authorization" : "x-api-key",
                                 bearer ? "Bearer " + config_.api_key : config_.api_key);
  }
  for (const auto& name : config_.forwarded_headers) {
    if (const auto it = caller.find(name); it != caller.end()) {
      request.headers.emplace_back(name, std::string(it->value()));
    }
  }
  const auto started = std::chrono::steady_clock::now();
  auto stream = co_await client_.open(request);
  if (!stream) {
    breaker_.record(false, std::chrono::steady_clock::now() - started);
  }
  co_return stream;
}

void Upstream::recordStatus(int status) { breaker_.record(status < 500); }

UpstreamFailure Upstream::failure(const Status& status) {
  if (status.reason() == "circuit_open") {
    return {http::Status::service_unavailable, "upstream_circuit_open", status.message()};
  }
  if (status.reason() == "timeout") {
    return {http::Status::gateway_timeout, "upstream_timeout",
            "the model API did not answer in time: " + status.message()};
  }
  return {http::Status::bad_gateway, "upstream_unreachable",
          "the model API could not be reached: " + status.message()};
}

http::Response passUpstreamAnswer(const http::OutboundStream& stream, std::string body) {
  http::Response res{static_cast<boost::beast::http::status>(stream.status()), 11};
  const std::string type = stream.header("Content-Type");
  res.set(boost::beast::http::field::content_type, type.empty() ? "application/json" : type);
  for (const char* name :
       {"Retry-After", "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens",
        "x-ratelimit-reset-requests", "anthropic-ratelimit-requests-remaining"}) {
    if (const std::string v = stream.header(name); !v.empty()) {
      res.set(name, v);
    }
  }
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace aisafe::proxy
