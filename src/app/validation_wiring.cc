#include "app/validation_wiring.h"

#include "app/drop_warning.h"
#include "detectors/canary/leak_checks.h"
#include "validation/sinks/audit_sink.h"
#include "validation/sinks/metrics_sink.h"
#include "validation/sinks/trace_sink.h"
#include "validation/sinks/webhook_sink.h"

namespace aisafe::app {

void createValidationService(Services& s) {
  validation::ValidationDependencies deps;
  deps.policies = s.policies.get();
  deps.registry = s.registry.get();
  deps.cache = s.cache.get();
  // Checks of answers that need the request (the organization, the system prompt).
  deps.output_checks.push_back(detectors::canary::makeCanaryCheck(*s.canary_key));
  deps.output_checks.push_back(detectors::canary::makeSystemPromptEchoCheck());
  deps.scan_seconds = &s.metrics->scan_seconds;
  deps.detector_seconds = &s.metrics->detector_seconds;

  validation::ValidationSettings settings;
  settings.cache = s.config.validation_cache;
  settings.cache_min_bytes = s.config.validation_cache_min_bytes;
  settings.cache_l2_min_bytes = s.config.validation_cache_l2_min_bytes;
  settings.trace_detector_stages = s.config.trace_detector_stages;
  settings.remote.timeout = std::chrono::milliseconds(s.config.semantic_detector_timeout_ms);
  settings.remote.calls = &s.metrics->remote_detector_calls;
  settings.remote.seconds = &s.metrics->remote_detector_seconds;

  // Every decision is reported to each of these, in this order.
  std::vector<std::unique_ptr<validation::DecisionSink>> sinks;
  sinks.push_back(std::make_unique<validation::TraceSink>());
  sinks.push_back(
      std::make_unique<validation::MetricsSink>(s.metrics->validations, s.metrics->detector_hits));
  sinks.push_back(
      std::make_unique<validation::WebhookSink>(*s.webhook_endpoints, *s.webhook_events));
  auto drop_warning = std::make_shared<DropWarning>(
      "audit records dropped: the audit queue is full (AUDIT_QUEUE_SIZE)",
      [audit = s.audit.get()] { return audit->dropped(); });
  sinks.push_back(std::make_unique<validation::AuditSink>(
      *s.audit, [drop_warning] { drop_warning->dropped(); }));

  s.validation = std::make_unique<validation::ValidationService>(
      std::move(deps), std::move(settings), std::move(sinks));
}

}  // namespace aisafe::app
