#include "app/tracing.h"

#include "http/outbound_client.h"
#include "telemetry/logging.h"

namespace aisafe::app {
namespace {

// The collector gets a short leash: a batch that cannot be delivered in this time is dropped
// and counted, and the exporter thread moves on (the request path never waits on it).
constexpr std::chrono::milliseconds kExportTimeout{2000};
constexpr std::chrono::milliseconds kExportConnectTimeout{500};

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

}  // namespace aisafe::app
