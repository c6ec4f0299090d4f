// Wires Sentry error reporting (telemetry/error_reporter.h) into the application: the reporter
// sends with the outbound HTTP client, error log lines reach it, and 5xx answers are reported by
// the request observer (reportServerError). Nothing exists when SENTRY_DSN is unset.
#pragma once

#include "app/services.h"
#include "http/request_context.h"

namespace aisafe::app {

// Creates s.error_reporter when SENTRY_DSN is set; a malformed DSN stops the start.
Status createErrorReporting(Services& s);

// For the request observer: a 5xx answer is an unexpected error (503s from overload protection
// and dependencies that are down are expected and reported by their own metrics instead).
void reportServerError(Services& s, const http::RequestContext& ctx, unsigned status);

// Sends what is queued and detaches the reporter from logging.
void stopErrorReporting(Services& s);

}  // namespace aisafe::app
