// Everything a running aisafe holds, built once by App and handed to the route handlers.
// The handlers see only what they need through this struct; nothing here is global.
#pragma once

#include <atomic>
#include <memory>

#include "auth/api_key_service.h"
#include "auth/auth_service.h"
#include "cache/cache_manager.h"
#include "core/config.h"
#include "detect/registry.h"
#include "detectors/canary/canary_token.h"
#include "detectors/semantic/semantic_client.h"
#include "http/outbound_client.h"
#include "jobs/job_monitor.h"
#include "jobs/worker.h"
#include "policy/policy_service.h"
#include "app/model_call_metrics.h"
#include "proxy/proxy.h"
#include "resilience/circuit_breaker.h"
#include "resilience/rate_limiter.h"
#include "resilience/redis_client.h"
#include "storage/api_key_repository.h"
#include "storage/audit_writer.h"
#include "storage/database.h"
#include "storage/login_failure_repository.h"
#include "storage/organization_repository.h"
#include "storage/policy_repository.h"
#include "storage/rate_limit_log_repository.h"
#include "storage/refresh_token_repository.h"
#include "storage/user_repository.h"
#include "storage/validation_repository.h"
#include "telemetry/error_reporter.h"
#include "telemetry/metrics.h"
#include "telemetry/otlp_exporter.h"
#include "telemetry/span.h"
#include "tenancy/audit_retention.h"
#include "tenancy/organization_service.h"
#include "validation/validation_service.h"
#include "webhooks/delivery_worker.h"
#include "webhooks/endpoint_service.h"
#include "webhooks/secret_box.h"

namespace aisafe::app {

struct Metrics {
  explicit Metrics(telemetry::Registry& r);
  telemetry::Counter& requests;
  telemetry::Histogram& request_seconds;
  telemetry::Counter& validations;
  telemetry::Counter& detector_hits;
  telemetry::Histogram& scan_seconds;
  telemetry::Histogram& detector_seconds;
  telemetry::Counter& audit_failures;
  telemetry::Counter& auth_failures;
  telemetry::Counter& rate_limited;
  telemetry::Counter& rate_limit_fallbacks;
  telemetry::Counter& remote_detector_calls;
  telemetry::Histogram& remote_detector_seconds;
};

struct Services {
  Config config;
  // Set on SIGTERM: /ready says "draining" so load balancers stop sending, while the requests
  // that still come are served until the server stops accepting (SHUTDOWN_READY_DELAY_MS).
  std::atomic<bool> draining{false};
  // Declared early so they outlive everything that makes spans (destroyed last).
  std::unique_ptr<telemetry::OtlpExporter> trace_exporter;   // null unless ENABLE_TRACING
  std::unique_ptr<telemetry::Tracer> tracer;                 // always set; a no-op when off
  std::unique_ptr<telemetry::ErrorReporter> error_reporter;  // null unless SENTRY_DSN is set
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<storage::PolicyRepository> policy_repo;
  std::unique_ptr<storage::ValidationRepository> validation_repo;
  std::unique_ptr<storage::AuditWriter> audit;
  std::shared_ptr<detectors::semantic::Client> semantic;  // null unless SEMANTIC_DETECTOR_URL
  std::shared_ptr<const detect::Registry> registry;
  std::unique_ptr<policy::PolicyService> policies;
  std::unique_ptr<storage::UserRepository> user_repo;
  std::unique_ptr<storage::OrganizationRepository> org_repo;
  std::unique_ptr<storage::RefreshTokenRepository> refresh_repo;
  std::unique_ptr<storage::ApiKeyRepository> key_repo;
  std::unique_ptr<storage::LoginFailureRepository> login_failure_repo;
  std::unique_ptr<tenancy::OrganizationService> organizations;
  std::unique_ptr<auth::OidcVerifier> sso;  // null unless single sign-on is configured
  std::unique_ptr<auth::AuthService> auth;
  std::unique_ptr<auth::ApiKeyService> api_keys;
  std::unique_ptr<resilience::BreakerRegistry> breakers;
  std::unique_ptr<resilience::RedisClient> redis;  // null unless REDIS_URL is set
  std::unique_ptr<cache::CacheManager> cache;
  std::unique_ptr<storage::WebhookEndpointRepository> webhook_repo;
  std::unique_ptr<webhooks::SecretBox> secret_box;           // webhook signing secrets at rest
  std::unique_ptr<detectors::canary::CanaryKey> canary_key;  // makes and checks canary tokens
  std::unique_ptr<webhooks::EndpointService> webhook_endpoints;
  std::unique_ptr<storage::WebhookDeliveryRepository> webhook_deliveries;
  std::unique_ptr<http::OutboundPool> webhook_pool;  // kept-alive connections to receivers
  // Validation events (prompt.validated, prompt.blocked) reach the outbox in batches.
  std::unique_ptr<storage::BatchWriter<storage::OutboxEvent>> webhook_events;
  std::unique_ptr<webhooks::DeliveryWorker> webhook_worker;  // webhook_delivery_job's body
  std::unique_ptr<resilience::RateLimiter> rate_limiter;
  std::unique_ptr<storage::RateLimitLogRepository> rate_limit_log_repo;
  std::unique_ptr<storage::BatchWriter<storage::RateLimitLogRow>> rate_limit_log;
  telemetry::Registry metrics_registry;
  std::unique_ptr<Metrics> metrics;
  // Every entry point that checks text calls it (app/validation_wiring.h); it reports to the
  // audit writer, the webhook events and the metrics above, so it is declared after them.
  std::unique_ptr<validation::ValidationService> validation;
  std::unique_ptr<ModelCallMetrics> model_calls;  // the proxy's tokens and first-byte latency
  std::unique_ptr<proxy::Proxy> proxy;  // the model proxy's routes; uses validation
  // Background jobs (app/jobs_wiring.h); declared last, so they stop before what they use goes.
  std::unique_ptr<jobs::JobMonitor> job_monitor;
  std::unique_ptr<tenancy::AuditRetention> audit_retention;
  std::unique_ptr<jobs::Worker> retention_job;  // RETENTION_WORKER in serve; always in worker
  std::unique_ptr<jobs::Worker> webhook_delivery_job;  // WEBHOOK_WORKER in serve; always in worker
  std::unique_ptr<jobs::Worker> key_usage_job;         // serve only
  std::unique_ptr<jobs::Worker> policy_refresh_job;    // serve only
};

}  // namespace aisafe::app
