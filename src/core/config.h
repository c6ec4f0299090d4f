// Server configuration: read once at start from the environment and an optional .env file
// (the environment wins), validated as a whole so every problem is reported at once.
// Immutable after start; shared read-only by all threads. docs/configuration.md lists every
// variable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace aisafe {

struct Config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;
  unsigned threads = 0;  // 0: one per core
  std::string database_url = "sqlite://./data/aisafe.db";
  std::string log_level = "info";
  std::string log_format = "json";
  bool migrate_on_start = true;
  std::string rules_dir;        // empty: the rule sets compiled into the binary
  std::string injection_model;  // classifier model file; empty: the model compiled into the binary
  // Regions whose national phone numbers the pii detector recognizes (ISO 3166-1 alpha-2,
  // upper case, in the order tried); empty: its broad default (docs/detection.md).
  std::vector<std::string> pii_phone_regions;
  std::string compiled_rules_cache_dir =
      "./data/cache";  // compiled databases kept across restarts; empty: off

  std::size_t max_body_bytes = 1 << 20;  // larger bodies get 413 before any detector runs
  std::size_t max_header_bytes = std::size_t{16} * 1024;  // larger header blocks get 431
  std::uint32_t read_timeout_ms = 10'000;    // a request not fully read by then gets 408
  std::uint32_t idle_timeout_ms = 60'000;    // keep-alive connections idle this long are closed
  std::size_t max_connections = 10'000;      // past this, new connections get 503 and are closed
  std::uint32_t shutdown_grace_ms = 10'000;  // in-flight requests get this long after SIGTERM
  // After SIGTERM, /ready answers 503 "draining" this long while requests are still served, so a
  // load balancer takes the replica out before it stops accepting.
  std::uint32_t shutdown_ready_delay_ms = 0;
  // Whether /ready fails while the database is unreachable. Off: the replica stays in the load
  // balancer as "degraded", since validation answers from compiled policies and cached keys
  // (decision 0027); on: it leaves, as for any missing dependency.
  bool ready_requires_database = false;

  std::uint32_t policy_refresh_ms =
      2'000;  // replicas pick up each other's policy changes this often
  // Compiled policies kept in memory; the least recently used go past it (decision 0025).
  std::size_t policy_cache_size = 10'000;
  std::size_t db_pool_size = 4;
  std::size_t audit_queue_size =
      50'000;  // validations waiting to be written; past it, drops are counted
  std::size_t audit_batch_size = 500;
  std::uint32_t audit_flush_interval_ms = 200;

  // Identity and access (docs/configuration.md).
  std::string secret_key;  // signs access tokens; empty: read or create secret_key_file
  std::string secret_key_file = "./data/secret.key";  // the embedded default's generated key
  std::uint32_t jwt_expiration_hours = 1;
  std::uint32_t refresh_token_days = 30;
  std::string jwt_issuer = "aisafe";
  std::string jwt_audience = "aisafe-api";
  int bcrypt_cost = 12;
  std::string default_organization_id = "default";  // where rows made before tenancy belong
  std::string admin_email;                          // the platform admin created on first start
  std::string admin_password;                       // empty: generated and printed once
  bool allow_anonymous_validate = false;  // validate without credentials, as the default org
  std::uint32_t api_key_rotation_grace_hours = 24;
  std::uint32_t login_max_failures_per_account = 5;
  std::uint32_t login_max_failures_per_address = 20;
  std::uint32_t login_failure_window_s = 900;
  unsigned password_hash_threads = 2;      // bcrypt never runs on the I/O threads
  std::size_t password_hash_queue = 32;    // waiting hashes past this get 503 busy
  std::uint32_t auth_cache_ttl_ms = 1000;  // key and session lookups; bounds revocation delay
  std::uint32_t key_usage_flush_ms = 1000;

  // Single sign-on (OIDC): off unless OIDC_ISSUER and OIDC_JWKS_URL are both set.
  std::string oidc_issuer;
  std::string oidc_jwks_url;  // https, or http to the loopback host only
  std::string oidc_audience;  // required with SSO on
  std::string oidc_organization_claim = "org_id";
  std::string oidc_role_claim = "roles";
  std::string oidc_role_map;      // "provider_value=role,..."; empty: values are role names
  std::string oidc_default_role;  // empty: tokens without a mapped role are refused
  std::uint32_t oidc_jwks_cache_s = 3600;
  std::uint32_t oidc_jwks_cooldown_s = 30;  // fewest seconds between two fetches of the keys
  std::uint32_t oidc_jwks_timeout_ms = 3000;
  bool ssoEnabled() const { return !oidc_issuer.empty(); }

  // Rate limits (docs/rate-limits.md): defaults for organizations and API keys that set none;
  // 0 turns a limit off.
  std::int64_t rate_limit_per_minute = 6'000;
  std::int64_t characters_per_minute = 6'000'000;
  std::int64_t api_key_rate_limit_per_minute = 0;  // keys share their organization's limit
  std::uint32_t org_settings_cache_ms = 5000;      // how long another replica's change may take
  std::string rate_limit_fail_mode = "local";      // with Redis away: local, open or closed
  std::uint32_t replicas = 1;                      // the local fallback admits limit / replicas
  double rate_limit_lease_fraction = 0.02;   // with Redis: share of a limit taken per slice; 0: off
  std::uint32_t rate_limit_lease_ms = 1000;  // unused leased units expire after this

  // Shared state (Redis) and circuit breakers.
  std::string redis_url;  // empty: everything in process (one node)
  std::uint32_t redis_timeout_ms = 50;
  std::uint32_t redis_connect_timeout_ms = 100;
  std::uint32_t circuit_breaker_failure_threshold = 5;
  std::uint32_t circuit_breaker_recovery_timeout_s = 60;

  // Under load, send the answers of one event-loop round together (decision 0013).
  bool batch_writes = true;
  bool access_log = true;  // one info line per request (method, route, status, latency, ids)

  // OpenTelemetry traces (docs/observability.md#traces).
  bool enable_tracing = false;
  std::string otel_exporter_otlp_endpoint =
      "http://localhost:4318";  // spans go to <this>/v1/traces
  std::string otel_service_name = "aisafe";
  double trace_sampling_ratio = 1.0;  // OTEL_TRACES_SAMPLER_ARG: share of new traces recorded
  // A child span per detection stage (doubles the spans per validation); off: the stage times
  // are one attribute of the scan span.
  bool trace_detector_stages = false;

  // Unexpected errors to Sentry (docs/observability.md#errors); empty DSN: nothing is sent.
  std::string sentry_dsn;
  std::string sentry_environment = "production";

  // The remote semantic detector (docs/semantic-detector.md): off while the URL is empty.
  std::string semantic_detector_url;                     // the full URL that receives the POST
  std::string semantic_detector_format = "openai-chat";  // or "json"
  std::string semantic_detector_model = "meta-llama/Llama-Guard-3-8B";  // openai-chat only
  std::string semantic_detector_api_key;              // sent as a bearer token; never logged
  std::uint32_t semantic_detector_timeout_ms = 1000;  // one call, connect included
  unsigned semantic_detector_concurrency = 64;        // validations waiting on it at once
  std::uint32_t semantic_cache_ttl_s = 600;           // verdicts by text, shared by organizations

  // Webhooks (docs/webhooks.md).
  bool webhook_allow_http = false;                   // http:// endpoints (tests, closed networks)
  bool webhook_allow_private = false;                // loopback/private/link-local targets (tests)
  std::uint32_t webhook_secret_rotation_hours = 24;  // how long the old secret keeps signing
  std::uint32_t webhook_timeout_ms = 10'000;         // one delivery attempt, connect included
  std::uint32_t webhook_connect_timeout_ms = 3000;
  std::string webhook_retry_schedule = "5s,5m,30m,2h,5h,10h,10h";
  std::uint32_t webhook_disable_after_failures = 20;  // consecutive failed attempts
  bool webhook_worker = true;  // deliver from `serve` (false: only `aisafe worker` delivers)

  // Background jobs (docs/observability.md#background-jobs).
  std::uint32_t audit_retention_days = 90;  // organizations without their own setting; 0: forever
  std::uint32_t retention_interval_ms = 3'600'000;  // RETENTION_INTERVAL: how often rows are cut
  bool retention_worker = true;  // clean up from `serve` (false: only `aisafe worker` does)
  bool metrics_organization_label = true;  // validations by organization id in /metrics
  std::uint16_t worker_metrics_port = 0;   // `aisafe worker` serves /metrics here (HOST); 0: off

  // The two-level cache (docs/cache.md).
  std::size_t l1_cache_size = 10'000;
  std::uint32_t l1_cache_ttl_s = 60;
  std::uint32_t l2_cache_ttl_s = 300;
  bool validation_cache = true;  // identical (organization, policy version, text) answers
  std::size_t validation_cache_min_bytes = 4096;  // below, scanning costs about what caching does
  std::size_t validation_cache_l2_min_bytes =
      8192;  // below, a Redis round trip costs more than a scan

  // The model proxy (src/proxy, docs/configuration.md "Model proxy").
  std::string proxy_upstream_url = "https://api.openai.com/v1";  // no trailing slash kept
  std::string proxy_upstream_api_key;  // sent upstream as a bearer token; never logged
  std::string proxy_anthropic_url = "https://api.anthropic.com";  // no trailing slash kept
  std::string proxy_anthropic_api_key;            // sent to Anthropic as x-api-key; never logged
  bool proxy_passthrough_auth = false;            // callers' X-Upstream-Authorization goes upstream
  std::size_t proxy_stream_holdback_bytes = 256;  // streamed text held back for the scan
  bool proxy_stream_usage = true;  // ask streamed chat completions for their token usage
  std::uint32_t proxy_connect_timeout_ms = 5'000;
  std::uint32_t proxy_first_byte_timeout_ms = 120'000;  // until the answer's head arrives
  std::uint32_t proxy_idle_timeout_ms = 60'000;         // between two pieces of an answer
};

// Looks up a variable; the default reads the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Parses KEY=VALUE lines (comments, blank lines, `export ` prefixes and quotes allowed).
std::map<std::string, std::string> parseDotEnv(const std::string& content);

// Builds the configuration from `env`, falling back to `dotenv` entries, then defaults.
// Errors name every bad variable and why.
Result<Config> loadConfig(const EnvLookup& env, const std::map<std::string, std::string>& dotenv);

// The process environment plus ./.env when present.
Result<Config> loadConfigFromProcess();

}  // namespace aisafe
