#include "proxy/error_shape.h"

#include <boost/json.hpp>

#include "proxy/strict_json.h"

namespace aisafe::proxy {
namespace json = boost::json;

namespace {

std::string_view openAiType(unsigned status) {
  switch (status) {
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 429:
      return "rate_limit_error";
    default:
      return status >= 500 ? "server_error" : "invalid_request_error";
  }
}

std::string_view anthropicType(unsigned status) {
  switch (status) {
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

// The provider whose SDK calls `route` (a route spec's pattern), or "" for aisafe's own routes,
// which live under /api, /health, /ready and /metrics.
std::string_view providerOf(const std::string& route) {
  if (route.starts_with("/v1/")) {
    return "openai";
  }
  if (route.starts_with("/anthropic/")) {
    return "anthropic";
  }
  return "";
}

}  // namespace

http::Response inProviderShape(http::Response res, std::string_view provider) {
  const unsigned status = res.result_int();
  auto parsed = parseStrictObject(res.body());
  if (!parsed) {
    return res;
  }
  json::object& body = parsed->get_object();
  json::value* error = body.if_contains("error");
  if (error == nullptr || !error->is_object() || body.contains("type") ||
      error->get_object().contains("type")) {
    return res;  // not aisafe's shape, or already the provider's
  }
  json::object& e = error->get_object();
  if (provider == "openai") {
    e["type"] = openAiType(status);
    e["param"] = nullptr;
    res.body() = http::serializeJson(body);
  } else {
    json::object shaped;
    shaped["type"] = anthropicType(status);
    for (auto& member : e) {
      shaped[member.key()] = std::move(member.value());
    }
    res.body() = http::serializeJson(json::object{{"type", "error"}, {"error", std::move(shaped)}});
  }
  res.prepare_payload();
  return res;
}

http::Middleware providerErrorShapes() {
  return [](http::RequestContext& ctx, const http::Request& req,
            const http::Next& next) -> http::awaitable<http::Response> {
    http::Response res = co_await next(ctx, req);
    const std::string_view provider = providerOf(ctx.route);
    if (res.result_int() < 400 || provider.empty()) {
      co_return res;
    }
    http::Response shaped = inProviderShape(std::move(res), provider);
    co_return shaped;
  };
}

}  // namespace aisafe::proxy
