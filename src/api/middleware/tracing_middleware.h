// The request's traces (docs/observability.md#traces): the server span of each request, and a
// wrapper that gives a middleware its own child span. The tracer and its exporter are made by
// app/tracing.h.
#pragma once

#include "http/middleware.h"
#include "telemetry/span.h"

namespace aisafe::api {

// The server span of each request: continues a valid incoming `traceparent` (a malformed one
// starts a new trace), names the span "METHOD /route/pattern", answers with the span's
// traceparent, and sets the HTTP and aisafe attributes once the chain has run. First in the
// chain. `tracer` must outlive the middleware.
http::Middleware tracingMiddleware(const telemetry::Tracer& tracer);

// Runs `inner` inside a child span called `span_name` that ends when `inner` passes the request
// on (so the span times the middleware alone), or when it answers itself (then the span carries
// the status code and aisafe.outcome=refused).
http::Middleware tracedStage(const char* span_name, http::Middleware inner);

}  // namespace aisafe::api
