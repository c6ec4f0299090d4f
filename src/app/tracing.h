// OpenTelemetry traces wired into the app (docs/observability.md#traces): the tracer and its
// OTLP exporter from the configuration. The middlewares that make the request's spans are
// api/middleware/tracing_middleware.h.
#pragma once

#include "app/services.h"

namespace aisafe::app {

// Creates s.tracer (always; disabled unless ENABLE_TRACING) and, when tracing is on, the
// exporter with its thread and its metrics. Call before anything that makes spans.
Status createTracing(Services& s);

}  // namespace aisafe::app
