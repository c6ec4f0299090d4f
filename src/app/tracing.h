// OpenTelemetry traces wired into the app (docs/observability.md#traces): the tracer and its
// OTLP exporter from the configuration, the middleware that makes one server span per request
// (continuing an incoming traceparent), and a wrapper that gives a middleware its own child span.
#pragma once

#include "app/services.h"
#include "http/middleware.h"

namespace aisafe::app {

// Creates s.tracer (always; disabled unless ENABLE_TRACING) and, when tracing is on, the
// exporter with its thread and its metrics. Call before anything that makes spans.
Status createTracing(Services& s);

// The server span of each request: continues a valid incoming `traceparent` (a malformed one
// starts a new trace), names the span "METHOD /route/pattern", answers with the span's
// traceparent, and sets the HTTP and aisafe attributes once the chain has run. First in the chain.
http::Middleware tracingMiddleware(Services& s);

// Runs `inner` inside a child span called `span_name` that ends when `inner` passes the request
// on (so the span times the middleware alone), or when it answers itself (then the span carries
// the status code and aisafe.outcome=refused).
http::Middleware tracedStage(const char* span_name, http::Middleware inner);

}  // namespace aisafe::app
