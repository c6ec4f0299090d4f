#include "app/app.h"

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <thread>
#include <unordered_map>

#include <pthread.h>

#include "api/middleware/tracing_middleware.h"
#include "app/build_info.h"
#include "app/error_reporting.h"
#include "app/jobs_wiring.h"
#include "app/organization_metrics.h"
#include "app/remote_detection.h"
#include "app/routes.h"
#include "app/secret_key.h"
#include "app/shared_state.h"
#include "app/sso.h"
#include "app/tracing.h"
#include "app/validation_wiring.h"
#include "app/webhook_wiring.h"
#include "app/worker_metrics.h"
#include "detect/database_cache.h"
#include "http/server.h"
#include "proxy/error_shape.h"
#include "storage/migrator.h"
#include "telemetry/logging.h"

namespace aisafe::app {
namespace beasthttp = boost::beast::http;

Metrics::Metrics(telemetry::Registry& r)
    : requests(
          r.counter("aisafe_http_requests_total", "HTTP requests by route, method and status")),
      request_seconds(
          r.histogram("aisafe_http_request_duration_seconds", "HTTP request latency by route",
                      {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5})),
      validations(r.counter("aisafe_validations_total", "Validations by decision and surface")),
      detector_hits(r.counter("aisafe_detector_hits_total",
                              "Findings that counted toward a decision, by detector and category")),
      scan_seconds(r.histogram(
          "aisafe_scan_duration_seconds", "Time to scan one text and decide",
          {0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.005, 0.01, 0.05})),
      detector_seconds(r.histogram(
          "aisafe_detector_duration_seconds",
          "Time per detection stage of one scan: patterns (every pattern rule, one scan), each "
          "whole-text detector, hidden (decoded layers, de-obfuscated view)",
          {0.000001, 0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.001, 0.005, 0.025})),
      audit_failures(r.counter("aisafe_audit_write_failures_total",
                               "Audit records that could not be written after retries")),
      auth_failures(
          r.counter("aisafe_auth_failures_total", "Refused credentials and logins, by reason")),
      rate_limited(r.counter("aisafe_rate_limited_total",
                             "Requests refused with 429, by the limit that refused them")),
      rate_limit_fallbacks(r.counter("aisafe_rate_limit_fallback_total",
                                     "Rate-limit decisions made without Redis, by fail mode")),
      remote_detector_calls(r.counter(
          "aisafe_remote_detector_calls_total",
          "Calls to remote detectors by detector and outcome (ok, timeout, circuit_open, ...)")),
      remote_detector_seconds(r.histogram(
          "aisafe_remote_detector_duration_seconds", "Time spent on a remote detector per call",
          {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5})) {}

Result<std::shared_ptr<const detect::Registry>> loadRegistry(
    const Config& config, std::shared_ptr<const detectors::semantic::Client> semantic) {
  detect::setCompiledCacheDir(config.compiled_rules_cache_dir);
  return detect::Registry::builtins(detect::RuleSource(config.rules_dir), config.injection_model,
                                    std::move(semantic), config.pii_phone_regions);
}

void blockShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

namespace {

// The model proxy's settings from the configuration (docs/configuration.md, "Model proxy").
proxy::ProxySettings proxySettings(const Config& config) {
  proxy::ProxySettings p;
  p.upstream_url = config.proxy_upstream_url;
  p.upstream_api_key = config.proxy_upstream_api_key;
  p.anthropic_url = config.proxy_anthropic_url;
  p.anthropic_api_key = config.proxy_anthropic_api_key;
  p.passthrough_auth = config.proxy_passthrough_auth;
  p.stream_holdback_bytes = config.proxy_stream_holdback_bytes;
  p.ask_stream_usage = config.proxy_stream_usage;
  p.connect_timeout = std::chrono::milliseconds(config.proxy_connect_timeout_ms);
  p.first_byte_timeout = std::chrono::milliseconds(config.proxy_first_byte_timeout_ms);
  p.idle_timeout = std::chrono::milliseconds(config.proxy_idle_timeout_ms);
  return p;
}

// The compiled policies held in memory (decision 0025): a cache too small for the policies in
// use shows as loads and evictions that keep growing.
void addPolicyCacheMetrics(Services& s) {
  auto* policies = s.policies.get();
  const auto stat = [policies](std::uint64_t policy::PolicyCacheStats::*field) {
    return [policies, field] { return static_cast<double>(policies->stats().*field); };
  };
  s.metrics_registry.gauge("aisafe_policy_cache_size", "Compiled policies held in memory",
                           [policies] { return static_cast<double>(policies->stats().size); });
  s.metrics_registry.gauge("aisafe_policy_cache_loads_total",
                           "Policies read and compiled at their use (first use or after eviction)",
                           stat(&policy::PolicyCacheStats::loads));
  s.metrics_registry.gauge("aisafe_policy_cache_evictions_total",
                           "Compiled policies dropped to stay within POLICY_CACHE_SIZE",
                           stat(&policy::PolicyCacheStats::evictions));
  s.metrics_registry.gauge("aisafe_policy_lookups_not_found_total",
                           "Policy lookups that found nothing in the database",
                           stat(&policy::PolicyCacheStats::not_found));
  s.metrics_registry.gauge(
      "aisafe_policy_lookups_refused_total",
      "Unknown policy ids answered 404 without a query (an organization past its budget)",
      stat(&policy::PolicyCacheStats::refused));
}

// Organizations, accounts and keys; then the platform admin on first start.
Status createIdentityServices(Services& s) {
  const Config& config = s.config;
  AISAFE_TRY(std::string secret, resolveSecretKey(config));
  s.user_repo = std::make_unique<storage::UserRepository>(*s.db);
  s.org_repo = std::make_unique<storage::OrganizationRepository>(*s.db);
  s.refresh_repo = std::make_unique<storage::RefreshTokenRepository>(*s.db);
  s.key_repo = std::make_unique<storage::ApiKeyRepository>(*s.db);
  s.login_failure_repo = std::make_unique<storage::LoginFailureRepository>(*s.db);
  s.organizations =
      std::make_unique<tenancy::OrganizationService>(*s.org_repo, *s.user_repo, *s.policies);
  auth::AuthOptions options;
  options.secret = secret;
  options.issuer = config.jwt_issuer;
  options.audience = config.jwt_audience;
  options.access_ttl_s = static_cast<std::int64_t>(config.jwt_expiration_hours) * 3600;
  options.refresh_ttl_ms = static_cast<std::int64_t>(config.refresh_token_days) * 86'400'000;
  options.bcrypt_cost = config.bcrypt_cost;
  options.max_failures_per_account = config.login_max_failures_per_account;
  options.max_failures_per_address = config.login_max_failures_per_address;
  options.failure_window_ms = static_cast<std::int64_t>(config.login_failure_window_s) * 1000;
  options.cache_ttl_ms = config.auth_cache_ttl_ms;
  s.auth = std::make_unique<auth::AuthService>(
      options, *s.user_repo, *s.refresh_repo, *s.login_failure_repo, *s.org_repo, *s.organizations);
  AISAFE_TRY(s.sso, createSsoVerifier(config, s.tracer.get()));
  if (s.sso) {
    s.auth->enableSso(s.sso.get());
  }
  auth::ApiKeyOptions key_options;
  key_options.rotation_grace_ms =
      static_cast<std::int64_t>(config.api_key_rotation_grace_hours) * 3'600'000;
  key_options.cache_ttl_ms = config.auth_cache_ttl_ms;
  s.api_keys = std::make_unique<auth::ApiKeyService>(key_options, *s.key_repo);

  // Webhook signing secrets are sealed under a key derived from the same SECRET_KEY.
  s.secret_box = std::make_unique<webhooks::SecretBox>(secret);
  s.canary_key = std::make_unique<detectors::canary::CanaryKey>(secret);  // a derived key too
  s.webhook_repo = std::make_unique<storage::WebhookEndpointRepository>(*s.db);
  webhooks::EndpointOptions webhook_options;
  webhook_options.allow_http = config.webhook_allow_http;
  webhook_options.allow_private = config.webhook_allow_private;
  webhook_options.rotation_grace_ms =
      static_cast<std::int64_t>(config.webhook_secret_rotation_hours) * 3'600'000;
  s.webhook_endpoints =
      std::make_unique<webhooks::EndpointService>(*s.webhook_repo, *s.secret_box, webhook_options);

  const std::string email = config.admin_email.empty() ? "admin@localhost" : config.admin_email;
  AISAFE_TRY(std::string generated,
             s.auth->bootstrapAdmin(config.default_organization_id, email, config.admin_password));
  if (!generated.empty()) {
    // Printed once, to the terminal only: the log never carries it.
    std::fprintf(stderr,
                 "\n  aisafe: created the platform admin %s with the password\n\n    %s\n\n"
                 "  It is shown only now. Log in with POST /api/v1/auth/login.\n\n",
                 email.c_str(), generated.c_str());
  } else if (auto n = s.user_repo->countUpTo(2); n && *n == 1 && !config.admin_password.empty()) {
    telemetry::logInfo("platform admin ready", {{"email", email}});
  }
  return Status::ok();
}

}  // namespace

App::~App() {
  stopJobs(services_);
  if (services_.audit) {
    services_.audit->stop();
  }
  if (services_.rate_limit_log) {
    services_.rate_limit_log->stop();
  }
  if (services_.webhook_events) {
    services_.webhook_events->stop();
  }
  if (services_.trace_exporter) {
    services_.trace_exporter->stop();
  }
  stopErrorReporting(services_);
}

Result<std::unique_ptr<App>> App::create(const Config& config) {
  std::unique_ptr<App> app(new App());
  Services& s = app->services_;
  s.config = config;
  AISAFE_RETURN_IF_ERROR(createTracing(s));
  AISAFE_RETURN_IF_ERROR(createErrorReporting(s));  // errors from here on reach Sentry
  AISAFE_TRY(s.db, storage::Database::open(config.database_url, config.db_pool_size));
  storage::Migrator migrator(*s.db);
  AISAFE_RETURN_IF_ERROR(
      migrator.define("DEFAULT_ORGANIZATION_ID", config.default_organization_id));
  if (config.migrate_on_start) {
    AISAFE_TRY(int ran, migrator.up());
    if (ran > 0) {
      telemetry::logInfo("migrations applied", {{"count", ran}});
    }
  } else {
    AISAFE_TRY(auto states, migrator.status());
    for (const auto& m : states) {
      if (!m.applied) {
        return unavailable("migration " + m.name +
                           " is pending and MIGRATE_ON_START=false: run `aisafe migrate up`");
      }
    }
  }
  createBreakers(s);
  AISAFE_TRY(s.semantic, makeSemanticClient(config, *s.breakers));
  AISAFE_TRY(s.registry, loadRegistry(config, s.semantic));
  s.policy_repo = std::make_unique<storage::PolicyRepository>(*s.db);
  s.validation_repo = std::make_unique<storage::ValidationRepository>(*s.db);
  s.policies = std::make_unique<policy::PolicyService>(
      *s.policy_repo, s.registry,
      policy::PolicyServiceOptions{.max_compiled = config.policy_cache_size});
  // One policy, not all of them: the rest are compiled at first use (decision 0025).
  AISAFE_RETURN_IF_ERROR(s.policies->warmUp(config.default_organization_id));
  AISAFE_RETURN_IF_ERROR(createIdentityServices(s));
  s.metrics = std::make_unique<Metrics>(s.metrics_registry);
  addBuildInfo(s);
  createJobMonitor(s);
  storage::AuditWriterOptions audit_options{config.audit_queue_size, config.audit_batch_size,
                                            config.audit_flush_interval_ms};
  Metrics* metrics = s.metrics.get();
  // Records of a batch given up on are counted one by one (the batch size varies), and said.
  s.audit = std::make_unique<storage::AuditWriter>(
      *s.validation_repo, audit_options, storage::AuditWriter::ErrorHandler{},
      [metrics, observe = batchObserver(s, "audit_batching")](const storage::BatchReport& r) {
        if (!r.status.isOk()) {
          metrics->audit_failures.inc({}, static_cast<double>(r.records));
          // Warn: the job monitor reports the failed batch to Sentry (one event per failure
          // streak).
          telemetry::logWarn("audit batch could not be written: its records are lost",
                             {{"records", r.records}, {"error", r.status.message()}});
        }
        observe(r);
      });
  AISAFE_RETURN_IF_ERROR(createSharedState(s));
  if (s.semantic) {
    s.semantic->attachCache(s.cache.get());
  }
  AISAFE_RETURN_IF_ERROR(createWebhookDelivery(s));
  AISAFE_TRY(s.webhook_worker, makeDeliveryWorker(s));  // a bad retry schedule stops the start
  AISAFE_RETURN_IF_ERROR(createJobs(s));
  createValidationService(s);
  s.model_calls = std::make_unique<ModelCallMetrics>(s.metrics_registry, s.config);
  s.proxy = std::make_unique<proxy::Proxy>(proxySettings(config), *s.validation, *s.breakers,
                                           s.model_calls.get());
  auto* audit = s.audit.get();
  s.metrics_registry.gauge("aisafe_audit_queue_depth", "Validation records waiting to be written",
                           [audit] { return static_cast<double>(audit->depth()); });
  s.metrics_registry.gauge("aisafe_audit_dropped_total",
                           "Validation records dropped because the audit queue was full",
                           [audit] { return static_cast<double>(audit->dropped()); });
  s.metrics_registry.gauge("aisafe_audit_written_total", "Validation records written",
                           [audit] { return static_cast<double>(audit->written()); });
  addPolicyCacheMetrics(s);
  return app;
}

namespace {

// Marks API answers as not cacheable by intermediaries: they carry per-request decisions.
http::Middleware noStoreMiddleware() {
  return [](http::RequestContext& ctx, const http::Request& req,
            const http::Next& next) -> http::awaitable<http::Response> {
    http::Response res = co_await next(ctx, req);
    if (ctx.route.rfind("/api/", 0) == 0) {
      res.set(beasthttp::field::cache_control, "no-store");
    }
    co_return res;
  };
}

}  // namespace

int App::serve(const std::string& port_file) {
  Services& s = services_;
  auto built = allRouteHandlers(s).build();
  if (!built) {
    telemetry::logError("the routes do not match their specs",
                        {{"error", built.status().message()}});
    return 1;
  }
  http::Router router = std::move(built).value();
  http::MiddlewareChain chain;
  const bool tracing = s.tracer->enabled();
  if (tracing) {
    chain.add(api::tracingMiddleware(*s.tracer));
  }
  chain.add(noStoreMiddleware());
  chain.add(proxy::providerErrorShapes());  // the proxy routes' errors as their SDKs read them
  http::Middleware auth = api::authMiddleware(authMiddlewareDeps(s));
  http::Middleware rate_limit = api::rateLimitMiddleware(rateLimitMiddlewareDeps(s));
  chain.add(tracing ? api::tracedStage("auth", std::move(auth)) : std::move(auth));
  chain.add(tracing ? api::tracedStage("rate_limit", std::move(rate_limit))
                    : std::move(rate_limit));

  http::ServerOptions options;
  options.host = s.config.host;
  options.port = s.config.port;
  options.threads = s.config.threads;
  options.blocking_threads = static_cast<unsigned>(s.config.db_pool_size);
  options.credential_threads = s.config.password_hash_threads;
  options.credential_queue = s.config.password_hash_queue;
  if (s.semantic) {
    options.outbound_threads = s.config.semantic_detector_concurrency;
    options.outbound_queue = 4 * std::size_t{s.config.semantic_detector_concurrency};
  }
  options.max_body_bytes = s.config.max_body_bytes;
  options.max_header_bytes = s.config.max_header_bytes;
  options.read_timeout = std::chrono::milliseconds(s.config.read_timeout_ms);
  options.idle_timeout = std::chrono::milliseconds(s.config.idle_timeout_ms);
  options.max_connections = s.config.max_connections;
  options.shutdown_grace = std::chrono::milliseconds(s.config.shutdown_grace_ms);
  options.batch_writes = s.config.batch_writes;

  // blockShutdownSignals() ran before any thread started; sigwait() below takes them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);

  http::Server server(options, std::move(router), std::move(chain));
  Metrics* metrics = s.metrics.get();
  const bool access_log = s.config.access_log;
  Services* services = &s;
  auto count_organization = organizationValidationCounter(s);
  server.setObserver([metrics, access_log, services, count_organization](
                         const http::RequestContext& ctx, const http::Request* req,
                         unsigned status) {
    reportServerError(*services, ctx, status);
    if (count_organization) {
      count_organization(ctx);
    }
    const std::string route = ctx.route.empty() ? "unparsed" : ctx.route;
    const std::string method = req != nullptr ? std::string(req->method_string()) : "unknown";
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.started).count();
    // Label sets repeat (routes are patterns): each is rendered once per thread.
    struct Rendered {
      std::string requests, seconds;
    };
    thread_local std::unordered_map<std::string, Rendered> rendered;
    const std::string key = route + '\n' + method + '\n' + std::to_string(status);
    auto it = rendered.find(key);
    if (it == rendered.end()) {
      if (rendered.size() > 4096) {
        rendered.clear();  // bounded, whatever clients send
      }
      it = rendered
               .emplace(key, Rendered{telemetry::renderLabels({{"route", route},
                                                               {"method", method},
                                                               {"status", std::to_string(status)}}),
                                      telemetry::renderLabels({{"route", route}})})
               .first;
    }
    metrics->requests.incRendered(it->second.requests);
    metrics->request_seconds.observeRendered(seconds, it->second.seconds);
    if (access_log && telemetry::logEnabled(telemetry::LogLevel::kInfo)) {
      // The route pattern, never the path or query (ids and tokens stay out of logs).
      boost::json::object line{{"method", method},
                               {"route", route},
                               {"status", status},
                               {"latency_ms", std::round(seconds * 1e5) / 100},
                               {"request_id", ctx.request_id}};
      if (!ctx.organization_id.empty()) {
        line["organization_id"] = ctx.organization_id;
      }
      if (!ctx.decision.empty()) {
        line["decision"] = ctx.decision;
      }
      telemetry::logInfo("request", std::move(line));
    }
  });
  if (auto st = server.listen(); !st.isOk()) {
    telemetry::logError("cannot start", {{"error", st.message()}});
    return 1;
  }
  s.metrics_registry.gauge("aisafe_http_open_connections", "Open client connections",
                           [&server] { return static_cast<double>(server.openConnections()); });
  server.start();
  if (!port_file.empty()) {
    std::ofstream(port_file + ".tmp") << server.port() << "\n";
    std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  }
  telemetry::logInfo(
      "aisafe listening",
      {{"host", s.config.host},
       {"port", server.port()},
       {"threads", s.config.threads},
       {"database", s.db->dialect() == storage::Dialect::kSqlite ? "sqlite" : "postgresql"}});

  // Other replicas' invalidations (Redis pub/sub); without Redis, a no-op.
  s.cache->start();
  // Webhook delivery and audit retention as configured; API key usage counters and the policy
  // refresh (other replicas' changes, when an announcement was missed or there is no Redis).
  startJobs(s, JobHost::kServe);

  int sig = 0;
  sigwait(&signals, &sig);
  telemetry::logInfo("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"},
                                       {"ready_delay_ms", s.config.shutdown_ready_delay_ms}});
  // Not ready first, still serving: a load balancer's next health check takes the replica out,
  // and only then does it stop accepting. Then in-flight requests finish (SHUTDOWN_GRACE_MS) and
  // the queues are flushed below.
  s.draining = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(s.config.shutdown_ready_delay_ms));
  server.stop();
  s.cache->stop();
  s.audit->stop();
  if (s.audit->dropped() + s.audit->failed() > 0) {
    // The last word on the trail of this process: what it could not keep, and why.
    telemetry::logWarn("audit records lost since start",
                       {{"written", s.audit->written()},
                        {"dropped_queue_full", s.audit->dropped()},
                        {"failed_after_retries", s.audit->failed()}});
  }
  s.rate_limit_log->stop();
  s.webhook_events->stop();  // validation events reach the outbox before we go
  stopJobs(s);               // and the API key usage counted until the last request
  if (s.trace_exporter) {
    s.trace_exporter->stop();  // the last spans, including the shutdown's
  }
  stopErrorReporting(s);
  telemetry::logInfo(
      "stopped", {{"audit_written", s.audit->written()}, {"audit_dropped", s.audit->dropped()}});
  return 0;
}

int App::work() {
  Services& s = services_;
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  auto metrics_server = startWorkerMetrics(s);
  if (!metrics_server) {
    telemetry::logError("cannot start", {{"error", metrics_server.status().message()}});
    return 1;
  }
  s.cache->start();
  std::string names;
  for (const auto& name : startJobs(s, JobHost::kWorker)) {
    names += (names.empty() ? "" : ",") + name;
  }
  boost::json::object running{{"jobs", names}};
  if (*metrics_server) {
    running["metrics_port"] = (*metrics_server)->port();
  }
  telemetry::logInfo("aisafe worker running", std::move(running));
  int sig = 0;
  sigwait(&signals, &sig);
  telemetry::logInfo("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  stopJobs(s);  // an attempt in flight finishes and is recorded
  if (*metrics_server) {
    (*metrics_server)->stop();
  }
  s.cache->stop();
  if (s.trace_exporter) {
    s.trace_exporter->stop();
  }
  stopErrorReporting(s);
  return 0;
}

}  // namespace aisafe::app
