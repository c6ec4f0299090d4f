// The HTTP request path up to the handler, without sockets: the bytes a client sends go through
// Beast's request parser with the server's limits (http/server.h ServerOptions), the header-field
// cap, the router and the middleware chain, to handlers that read the body with the strict JSON
// reader as the API's handlers do. Up to kMaxRequests pipelined requests per input, as on one
// keep-alive connection. No crash, no exception, and every answer is a well-formed response
// whose JSON body is valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <optional>
#include <sstream>
#include <string_view>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>

#include "core/request_id.h"
#include "core/utf8.h"
#include "http/json_body.h"
#include "http/middleware.h"
#include "http/router.h"
#include "http/server.h"

namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using aisafe::http::Request;
using aisafe::http::RequestContext;
using aisafe::http::Response;

constexpr std::size_t kMaxInputBytes = 64 * 1024;  // far past the 16 KiB header limit
constexpr int kMaxRequests = 4;                    // pipelined on one connection

// A handler shaped like the API's: parse the body, refuse unknown fields, read a string.
Response jsonHandler(RequestContext& ctx, const Request& req) {
  auto body = aisafe::http::parseJsonObject(ctx, req);
  if (body.error) {
    return std::move(*body.error);
  }
  const auto& obj = body.value.as_object();
  if (auto bad = aisafe::http::rejectUnknownFields(ctx, obj, {"text", "policy_id", "metadata"})) {
    return std::move(*bad);
  }
  std::optional<std::string> text;
  if (auto bad = aisafe::http::readString(ctx, obj, "text", text, true)) {
    return std::move(*bad);
  }
  return aisafe::http::jsonResponse(bhttp::status::ok,
                                    boost::json::object{{"id", ctx.path_params["id"]}});
}

const aisafe::http::Router& router() {
  static const aisafe::http::Router r = [] {
    aisafe::http::Router r;
    const auto ok = [](RequestContext&, const Request&) {
      return aisafe::http::jsonResponse(bhttp::status::ok, boost::json::object{});
    };
    r.add(bhttp::verb::get, "/health", ok);
    r.add(bhttp::verb::post, "/api/v1/validate", jsonHandler);
    r.add(bhttp::verb::get, "/api/v1/policies", ok);
    r.add(bhttp::verb::post, "/api/v1/policies", jsonHandler);
    r.add(bhttp::verb::get, "/api/v1/policies/{id}", ok);
    r.add(bhttp::verb::put, "/api/v1/policies/{id}", jsonHandler);
    r.add(bhttp::verb::delete_, "/api/v1/webhooks/{id}/secret/{version}", ok);
    return r;
  }();
  return r;
}

// A middleware that reads headers the way authentication does.
aisafe::http::MiddlewareChain chain() {
  aisafe::http::MiddlewareChain c;
  c.add([](RequestContext& ctx, const Request& req,
           const aisafe::http::Next& next) -> asio::awaitable<Response> {
    const auto auth = req[bhttp::field::authorization];
    if (auth.starts_with("Bearer ")) {
      ctx.principal.id = std::string(auth.substr(7, 64));
    }
    co_return co_await next(ctx, req);
  });
  return c;
}

// What the server's dispatch() does with a parsed request, run to completion on a local loop.
Response dispatch(const aisafe::http::MiddlewareChain& chain, RequestContext& ctx,
                  const Request& req) {
  const std::string_view target(req.target().data(), req.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  auto m = router().match(req.method(), path);
  aisafe::http::Next last;
  if (m.route != nullptr) {
    ctx.route = m.route->pattern;
    ctx.path_params = std::move(m.params);
    last = [handler = m.route->handler](RequestContext& c,
                                        const Request& r) -> asio::awaitable<Response> {
      co_return handler(c, r);
    };
  } else {
    last = [status = m.status](RequestContext& c, const Request&) -> asio::awaitable<Response> {
      co_return aisafe::http::errorResponse(c, status, "not_found", "no such route");
    };
  }
  asio::io_context ioc;
  std::optional<Response> res;
  asio::co_spawn(ioc, chain.run(ctx, req, last), [&](std::exception_ptr e, Response r) {
    if (e) {
      std::abort();  // nothing the network sends may throw through the request path
    }
    res = std::move(r);
  });
  ioc.run();
  return std::move(*res);
}

void checkAnswer(Response& res) {
  if (!aisafe::utf8::isValid(res.body())) {
    std::abort();
  }
  res.prepare_payload();
  std::ostringstream wire;
  wire << res;  // the serializer must accept every answer we build
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInputBytes) {
    return -1;
  }
  static const aisafe::http::ServerOptions options;
  static const aisafe::http::MiddlewareChain middlewares = chain();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < kMaxRequests && !input.empty(); ++i) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    parser.eager(true);
    boost::beast::error_code ec;
    const std::size_t used = parser.put(asio::buffer(input.data(), input.size()), ec);
    input.remove_prefix(std::min(used, input.size()));
    if (!ec && !parser.is_done()) {
      parser.put_eof(ec);  // the client closed mid-request
    }
    if (ec || !parser.is_done()) {
      return 0;  // the server answers 400/413/431 and closes
    }
    const auto& h = parser.get();
    std::size_t fields = 0;
    for (auto it = h.begin(); it != h.end(); ++it) {
      ++fields;
    }
    if (fields > options.max_header_fields) {
      return 0;  // 431
    }
    RequestContext ctx;
    ctx.request_id = "req_fuzz";
    if (auto id = h["X-Request-ID"];
        aisafe::isSaneRequestId(std::string_view(id.data(), id.size()))) {
      ctx.request_id = std::string(id);
    }
    Request req = parser.release();
    Response res = dispatch(middlewares, ctx, req);
    res.set("X-Request-ID", ctx.request_id);
    checkAnswer(res);
    if (!req.keep_alive()) {
      return 0;
    }
  }
  return 0;
}
