#include "app/tracing.h"

#include <optional>

#include "api/route_spec.h"
#include "http/outbound_client.h"
#include "telemetry/logging.h"

namespace aisafe::app {
namespace {

// The collector gets a short leash: a batch that cannot be delivered in this time is dropped
// and counted, and the exporter thread moves on (the request path never waits on it).
constexpr std::chrono::milliseconds kExportTimeout{2000};
constexpr std::chrono::milliseconds kExportConnectTimeout{500};

std::string_view headerValue(const http::Request& req, std::string_view name) {
  auto it = req.find(boost::beast::string_view(name.data(), name.size()));
  if (it == req.end()) {
    return {};
  }
  return {it->value().data(), it->value().size()};
}

}  // namespace

Status createTracing(Services& s) {
  const Config& config = s.config;
  telemetry::TracerOptions options;
  options.enabled = config.enable_tracing;
  options.sampling_ratio = config.trace_sampling_ratio;
  if (!options.enabled) {
    s.tracer = std::make_unique<telemetry::Tracer>(options, nullptr);
    return Status::ok();
  }
  telemetry::ExporterOptions exporter_options;
  exporter_options.service_name = config.otel_service_name;
  exporter_options.service_version = AISAFE_VERSION;
  const std::string url = config.otel_exporter_otlp_endpoint + "/v1/traces";
  exporter_options.post = [url](const std::string& body) -> Status {
    http::OutboundRequest request;
    request.method = "POST";
    request.url = url;
    request.headers = {{"Content-Type", "application/json"}};
    request.body = body;
    request.timeout = kExportTimeout;
    request.connect_timeout = kExportConnectTimeout;
    request.max_response_bytes =
        std::size_t{64} * 1024;  // a collector answers with a small status object
    AISAFE_TRY(auto res, http::sendOutbound(request));
    if (res.status < 200 || res.status >= 300) {
      return unavailable("the collector answered HTTP " + std::to_string(res.status));
    }
    return Status::ok();
  };
  s.trace_exporter = std::make_unique<telemetry::OtlpExporter>(std::move(exporter_options));
  s.tracer = std::make_unique<telemetry::Tracer>(options, s.trace_exporter.get());
  auto* exporter = s.trace_exporter.get();
  s.metrics_registry.gauge("aisafe_trace_spans_exported_total", "Spans the collector accepted",
                           [exporter] { return static_cast<double>(exporter->exported()); });
  s.metrics_registry.gauge("aisafe_trace_spans_dropped_total",
                           "Spans dropped because the export queue was full",
                           [exporter] { return static_cast<double>(exporter->dropped()); });
  s.metrics_registry.gauge("aisafe_trace_spans_failed_total",
                           "Spans lost because their batch could not be sent to the collector",
                           [exporter] { return static_cast<double>(exporter->failed()); });
  s.metrics_registry.gauge("aisafe_trace_queue_depth", "Spans waiting to be exported",
                           [exporter] { return static_cast<double>(exporter->depth()); });
  exporter->start();
  telemetry::logInfo("tracing on", {{"endpoint", url},
                                    {"service", config.otel_service_name},
                                    {"sampling_ratio", config.trace_sampling_ratio}});
  return Status::ok();
}

http::Middleware tracingMiddleware(Services& s) {
  const telemetry::Tracer* tracer = s.tracer.get();
  return [tracer](http::RequestContext& ctx, const http::Request& req,
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

}  // namespace aisafe::app
