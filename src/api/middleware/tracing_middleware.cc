#include "api/middleware/tracing_middleware.h"

#include <optional>

#include "api/route_spec.h"
#include "telemetry/trace_context.h"

namespace aisafe::api {
namespace {

std::string_view headerValue(const http::Request& req, std::string_view name) {
  auto it = req.find(boost::beast::string_view(name.data(), name.size()));
  if (it == req.end()) {
    return {};
  }
  return {it->value().data(), it->value().size()};
}

}  // namespace

http::Middleware tracingMiddleware(const telemetry::Tracer& tracer) {
  return [tracer = &tracer](http::RequestContext& ctx, const http::Request& req,
                            const http::Next& next) -> http::awaitable<http::Response> {
    telemetry::SpanContext parent;
    if (auto incoming = telemetry::parseTraceparent(headerValue(req, "traceparent"))) {
      parent = *incoming;
    }
    const bool matched = api::routeSpecOf(ctx) != nullptr;
    std::string name(req.method_string());
    if (matched) {
      name += " " + ctx.route;  // the pattern: bounded, and never carries ids
    }
    // The span starts when the request's first byte was read, like the latency metric.
    const auto waited = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::steady_clock::now() - ctx.started);
    telemetry::Span span = tracer->start(name, telemetry::SpanKind::kServer, parent,
                                         telemetry::unixNanosNow() - waited.count());
    struct Attach {  // the span lives in this frame only: detach even if the chain throws
      http::RequestContext& ctx;
      ~Attach() { ctx.trace.server = nullptr; }
    } attach{ctx};
    ctx.trace.tracer = tracer;
    ctx.trace.server = &span;
    telemetry::ScopedSpanContext scope(span.context());

    http::Response res = co_await next(ctx, req);

    res.set("traceparent", telemetry::formatTraceparent(span.context()));
    if (span.recording()) {
      const unsigned status = res.result_int();
      span.setString("http.request.method", name.substr(0, name.find(' ')));
      if (matched) {
        span.setString("http.route", ctx.route);
      }
      span.setInt("http.response.status_code", status);
      span.setString("network.protocol.version", req.version() == 10 ? "1.0" : "1.1");
      span.setString("aisafe.request_id", ctx.request_id);
      if (!ctx.organization_id.empty()) {
        span.setString("aisafe.organization_id", ctx.organization_id);
      }
      if (!ctx.decision.empty()) {
        span.setString("aisafe.decision", ctx.decision);
      }
      if (status >= 500) {  // 4xx are the client's errors, not the server span's (semconv)
        span.setString("error.type", std::to_string(status));
        span.setError("HTTP " + std::to_string(status));
      }
    }
    co_return res;
  };
}

http::Middleware tracedStage(const char* span_name, http::Middleware inner) {
  return [span_name, inner = std::move(inner)](
             http::RequestContext& ctx, const http::Request& req,
             const http::Next& next) -> http::awaitable<http::Response> {
    telemetry::Span span = ctx.trace.child(span_name);
    bool passed = false;
    // Calls the stage makes (a JWKS fetch during authentication) continue this span. The stages
    // never suspend before passing the request on, so the thread's context is theirs meanwhile.
    std::optional<telemetry::ScopedSpanContext> scope(std::in_place, span.context());
    const http::Next pass = [&](http::RequestContext& c,
                                const http::Request& r) -> http::awaitable<http::Response> {
      passed = true;
      span.setString("aisafe.outcome", "passed");
      span.end();
      scope.reset();  // what follows belongs to the server span again
      co_return co_await next(c, r);
    };
    http::Response res = co_await inner(ctx, req, pass);
    scope.reset();
    if (!passed && span.recording()) {
      const unsigned status = res.result_int();
      span.setString("aisafe.outcome", "refused");
      span.setInt("http.response.status_code", status);
      if (status >= 500) {
        span.setError("HTTP " + std::to_string(status));
      }
    }
    co_return res;
  };
}

}  // namespace aisafe::api
