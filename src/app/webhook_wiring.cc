// Wires webhooks into the rest: changes to policies and API keys write their events inside the
// same transaction (the outbox hooks), validation events are batched, subscription caches
// follow other replicas, and the delivery worker is built from the configuration.
#include "app/webhook_wiring.h"

#include "app/jobs_wiring.h"
#include "core/clock.h"
#include "telemetry/logging.h"
#include "telemetry/trace_context.h"
#include "webhooks/events.h"

namespace aisafe::app {

Status createWebhookDelivery(Services& s) {
  s.webhook_deliveries = std::make_unique<storage::WebhookDeliveryRepository>(*s.db);
  s.webhook_pool = std::make_unique<http::OutboundPool>();
  const storage::RecordChangeHook outbox = [](soci::session& session,
                                              const storage::RecordChange& change) {
    storage::OutboxEvent event = webhooks::changeEvent(change, clock::nowMs());
    event.traceparent = telemetry::traceparentOrEmpty(telemetry::currentSpanContext());
    storage::WebhookDeliveryRepository::enqueueIn(session, event);
  };
  s.policy_repo->setChangeHook(outbox);
  s.key_repo->setChangeHook(outbox);
  s.webhook_events = std::make_unique<storage::BatchWriter<storage::OutboxEvent>>(
      [repo = s.webhook_deliveries.get()](const std::vector<storage::OutboxEvent>& events) {
        return repo->enqueueBatch(events);
      },
      storage::BatchWriterOptions{
          .queue_capacity = 50'000, .batch_size = 500, .flush_interval_ms = 200},
      [](const aisafe::Status& st) {
        // Warn: the job monitor reports the failed batch to Sentry (one event per failure streak).
        telemetry::logWarn("webhook events could not be written", {{"error", st.message()}});
      },
      batchObserver(s, "webhook_events"));
  s.cache->onInvalidate(
      "webhooks:", [endpoints = s.webhook_endpoints.get()](const std::string& ns) {
        endpoints->forgetSubscriptions(ns.substr(std::string_view("webhooks:").size()));
      });
  auto* events = s.webhook_events.get();
  s.metrics_registry.gauge("aisafe_webhook_events_dropped_total",
                           "Validation events dropped because the queue was full",
                           [events] { return static_cast<double>(events->dropped()); });
  s.metrics_registry.gauge("aisafe_webhook_event_queue_depth",
                           "Validation events waiting to reach the outbox",
                           [events] { return static_cast<double>(events->depth()); });
  // aisafe_webhook_deliveries_pending: with the delivery job (app/jobs_wiring.cc), which
  // reads the same count as its queue depth.
  return Status::ok();
}

webhooks::SendOptions sendOptions(const Services& s) {
  const Config& config = s.config;
  webhooks::SendOptions options;
  options.tracer = s.tracer.get();
  options.pool = s.webhook_pool.get();
  options.allow_private = config.webhook_allow_private;
  options.timeout = std::chrono::milliseconds(config.webhook_timeout_ms);
  options.connect_timeout = std::chrono::milliseconds(config.webhook_connect_timeout_ms);
  return options;
}

Result<std::unique_ptr<webhooks::DeliveryWorker>> makeDeliveryWorker(Services& s) {
  const Config& config = s.config;
  webhooks::WorkerOptions options;
  AISAFE_TRY(options.schedule, webhooks::parseRetrySchedule(config.webhook_retry_schedule));
  options.disable_after_failures = static_cast<int>(config.webhook_disable_after_failures);
  options.send = sendOptions(s);
  options.lease = std::chrono::milliseconds(config.webhook_timeout_ms * 3 + 5000);
  auto worker = std::make_unique<webhooks::DeliveryWorker>(
      *s.webhook_deliveries, *s.webhook_endpoints, *s.breakers, std::move(options));
  auto* w = worker.get();
  s.metrics_registry.gauge("aisafe_webhook_delivered_total", "Webhook deliveries that succeeded",
                           [w] { return static_cast<double>(w->delivered()); });
  s.metrics_registry.gauge("aisafe_webhook_failed_attempts_total",
                           "Webhook attempts that failed (retried or given up)",
                           [w] { return static_cast<double>(w->failedAttempts()); });
  return worker;
}

}  // namespace aisafe::app
