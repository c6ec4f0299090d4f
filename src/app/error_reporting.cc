#include "app/error_reporting.h"

#include <unistd.h>

#include "http/outbound_client.h"

namespace aisafe::app {

Status createErrorReporting(Services& s) {
  if (s.config.sentry_dsn.empty()) {
    return Status::ok();
  }
  AISAFE_TRY(telemetry::SentryDsn dsn, telemetry::parseSentryDsn(s.config.sentry_dsn));
  telemetry::ErrorReporterOptions options;
  options.dsn = std::move(dsn);
  options.release = std::string("aisafe@") + AISAFE_VERSION;
  options.environment = s.config.sentry_environment;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) {
    options.server_name = host;
  }
  auto& reports = s.metrics_registry.counter("aisafe_error_reports_total",
                                             "Unexpected errors for Sentry, by result");
  options.on_result = [&reports](const char* result) { reports.inc({{"result", result}}); };
  s.error_reporter = std::make_unique<telemetry::ErrorReporter>(
      std::move(options), [](const telemetry::ErrorReporter::Delivery& d) -> Status {
        http::OutboundRequest req;
        req.method = "POST";
        req.url = d.url;
        req.headers = d.headers;
        req.body = d.body;
        req.connect_timeout = std::chrono::milliseconds(2000);
        req.timeout = std::chrono::milliseconds(5000);
        req.max_response_bytes = std::size_t{64} * 1024;
        AISAFE_TRY(http::OutboundResponse res, http::sendOutbound(req));
        if (res.status < 200 || res.status >= 300) {
          return unavailable("Sentry answered " + std::to_string(res.status));
        }
        return Status::ok();
      });
  telemetry::setLogErrorReporter(s.error_reporter.get());
  return Status::ok();
}

void reportServerError(Services& s, const http::RequestContext& ctx, unsigned status) {
  if (s.error_reporter == nullptr || status < 500 || status == 503) {
    return;
  }
  telemetry::ErrorEvent e;
  e.kind = "http_5xx";
  e.message = "HTTP " + std::to_string(status) + " on " + (ctx.route.empty() ? "?" : ctx.route);
  e.request_id = ctx.request_id;
  e.fields = boost::json::object{{"route", ctx.route}, {"status", status}};
  if (!ctx.organization_id.empty()) {
    e.fields["organization_id"] = ctx.organization_id;
  }
  s.error_reporter->capture(std::move(e));
}

void stopErrorReporting(Services& s) {
  if (s.error_reporter == nullptr) {
    return;
  }
  telemetry::setLogErrorReporter(nullptr);
  s.error_reporter->stop();
}

}  // namespace aisafe::app
