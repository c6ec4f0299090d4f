#include "core/config.h"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>
#include <vector>

namespace aisafe {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) {
    return {};
  }
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

class Reader {
 public:
  Reader(const EnvLookup& env, const std::map<std::string, std::string>& dotenv)
      : env_(env), dotenv_(dotenv) {}

  std::optional<std::string> raw(const std::string& key) const {
    if (auto v = env_(key)) {
      return v;
    }
    if (auto it = dotenv_.find(key); it != dotenv_.end()) {
      return it->second;
    }
    return std::nullopt;
  }

  void string(const std::string& key, std::string& out) {
    if (auto v = raw(key)) {
      out = *v;
    }
  }

  template <typename Int>
  void integer(const std::string& key, Int& out, std::uint64_t min, std::uint64_t max) {
    auto v = raw(key);
    if (!v) {
      return;
    }
    std::uint64_t parsed = 0;
    const auto* end = v->data() + v->size();
    auto [ptr, ec] = std::from_chars(v->data(), end, parsed);
    if (ec != std::errc() || ptr != end || parsed < min || parsed > max) {
      errors_.push_back(key + "=" + *v + ": expected an integer from " + std::to_string(min) +
                        " to " + std::to_string(max));
      return;
    }
    out = static_cast<Int>(parsed);
  }

  void boolean(const std::string& key, bool& out) {
    auto v = raw(key);
    if (!v) {
      return;
    }
    if (*v == "true" || *v == "1" || *v == "yes") {
      out = true;
    } else if (*v == "false" || *v == "0" || *v == "no") {
      out = false;
    } else {
      errors_.push_back(key + "=" + *v + ": expected true or false");
    }
  }

  void oneOf(const std::string& key, std::string& out, std::initializer_list<const char*> allowed) {
    auto v = raw(key);
    if (!v) {
      return;
    }
    for (const char* a : allowed) {
      if (*v == a) {
        out = *v;
        return;
      }
    }
    std::string list;
    for (const char* a : allowed) {
      list += std::string(list.empty() ? "" : ", ") + a;
    }
    errors_.push_back(key + "=" + *v + ": expected one of " + list);
  }

  void ratio(const std::string& key, double& out) {
    auto v = raw(key);
    if (!v) {
      return;
    }
    double parsed = -1;
    const auto* end = v->data() + v->size();
    auto [ptr, ec] = std::from_chars(v->data(), end, parsed);
    if (ec != std::errc() || ptr != end || !(parsed >= 0.0 && parsed <= 1.0)) {
      errors_.push_back(key + "=" + *v + ": expected a number from 0 to 1");
      return;
    }
    out = parsed;
  }

  // A duration such as 500ms, 30s, 15m or 1h, within [min_ms, max_ms].
  void duration(const std::string& key, std::uint32_t& out_ms, std::uint64_t min_ms,
                std::uint64_t max_ms) {
    auto v = raw(key);
    if (!v) {
      return;
    }
    std::uint64_t n = 0;
    const auto* end = v->data() + v->size();
    auto [ptr, ec] = std::from_chars(v->data(), end, n);
    const std::string_view unit(ptr, static_cast<std::size_t>(end - ptr));
    std::uint64_t scale = 0;
    if (unit == "ms") {
      scale = 1;
    } else if (unit == "s") {
      scale = 1000;
    } else if (unit == "m") {
      scale = 60'000;
    } else if (unit == "h") {
      scale = 3'600'000;
    }
    const std::uint64_t ms = n * scale;
    if (ec != std::errc() || scale == 0 || n > max_ms || ms < min_ms || ms > max_ms) {
      errors_.push_back(key + "=" + *v + ": expected a duration like 500ms, 30s, 15m or 1h, from " +
                        std::to_string(min_ms) + " ms to " + std::to_string(max_ms / 3'600'000) +
                        " h");
      return;
    }
    out_ms = static_cast<std::uint32_t>(ms);
  }

  // A list of two-letter region codes separated by commas or spaces ("US,GB, de"), upper-cased.
  void regions(const std::string& key, std::vector<std::string>& out) {
    auto v = raw(key);
    if (!v) {
      return;
    }
    std::vector<std::string> codes;
    std::string code;
    bool bad = false;
    for (std::size_t i = 0; i <= v->size(); ++i) {
      const char c = i < v->size() ? (*v)[i] : ',';
      if (c == ',' || c == ' ' || c == '\t') {
        if (!code.empty()) {
          bad = bad || code.size() != 2;
          codes.push_back(code);
          code.clear();
        }
      } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
        code.push_back(static_cast<char>(c & ~0x20));
      } else {
        bad = true;
      }
    }
    if (bad || codes.empty()) {
      errors_.push_back(key + "=" + *v +
                        ": expected two-letter region codes separated by commas, e.g. US,GB,DE");
      return;
    }
    out = std::move(codes);
  }

  void error(std::string e) { errors_.push_back(std::move(e)); }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  const EnvLookup& env_;
  const std::map<std::string, std::string>& dotenv_;
  std::vector<std::string> errors_;
};

}  // namespace

std::map<std::string, std::string> parseDotEnv(const std::string& content) {
  std::map<std::string, std::string> out;
  std::istringstream in(content);
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') {
      continue;
    }
    if (line.rfind("export ", 0) == 0) {
      line = trim(line.substr(7));
    }
    const auto eq = line.find('=');
    if (eq == std::string::npos) {
      continue;
    }
    std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    out[key] = value;
  }
  return out;
}

Result<Config> loadConfig(const EnvLookup& env, const std::map<std::string, std::string>& dotenv) {
  Config c;
  Reader r(env, dotenv);
  r.string("HOST", c.host);
  r.integer("PORT", c.port, 0, 65535);
  r.integer("THREADS", c.threads, 0, 256);
  r.string("DATABASE_URL", c.database_url);
  r.oneOf("LOG_LEVEL", c.log_level, {"trace", "debug", "info", "warn", "error", "off"});
  r.oneOf("LOG_FORMAT", c.log_format, {"json", "text"});
  r.boolean("MIGRATE_ON_START", c.migrate_on_start);
  r.string("RULES_DIR", c.rules_dir);
  r.string("INJECTION_MODEL", c.injection_model);
  r.regions("PII_PHONE_REGIONS", c.pii_phone_regions);
  r.string("COMPILED_RULES_CACHE_DIR", c.compiled_rules_cache_dir);
  r.integer("MAX_BODY_BYTES", c.max_body_bytes, 1024, 64ULL << 20);
  r.integer("MAX_HEADER_BYTES", c.max_header_bytes, 1024, 1ULL << 20);
  r.integer("READ_TIMEOUT_MS", c.read_timeout_ms, 10, 3'600'000);
  r.integer("IDLE_TIMEOUT_MS", c.idle_timeout_ms, 10, 3'600'000);
  r.integer("MAX_CONNECTIONS", c.max_connections, 1, 1'000'000);
  r.integer("SHUTDOWN_GRACE_MS", c.shutdown_grace_ms, 0, 600'000);
  r.integer("SHUTDOWN_READY_DELAY_MS", c.shutdown_ready_delay_ms, 0, 600'000);
  r.boolean("READY_REQUIRES_DATABASE", c.ready_requires_database);
  r.boolean("BATCH_WRITES", c.batch_writes);
  r.integer("POLICY_REFRESH_MS", c.policy_refresh_ms, 100, 3'600'000);
  r.integer("POLICY_CACHE_SIZE", c.policy_cache_size, 1, 10'000'000);
  r.integer("DB_POOL_SIZE", c.db_pool_size, 1, 256);
  r.integer("AUDIT_QUEUE_SIZE", c.audit_queue_size, 1, 10'000'000);
  r.integer("AUDIT_BATCH_SIZE", c.audit_batch_size, 1, 100'000);
  r.integer("AUDIT_FLUSH_INTERVAL_MS", c.audit_flush_interval_ms, 1, 60'000);

  if (auto secret = r.raw("SECRET_KEY")) {
    // Never echoed: the message names the rule, not the value.
    if (secret->size() < 32) {
      r.error("SECRET_KEY: must be at least 32 characters");
    }
    c.secret_key = *secret;
  }
  r.string("SECRET_KEY_FILE", c.secret_key_file);
  r.integer("JWT_EXPIRATION_HOURS", c.jwt_expiration_hours, 1, std::uint64_t{24} * 30);
  r.integer("REFRESH_TOKEN_DAYS", c.refresh_token_days, 1, 365);
  r.string("JWT_ISSUER", c.jwt_issuer);
  r.string("JWT_AUDIENCE", c.jwt_audience);
  r.integer("BCRYPT_COST", c.bcrypt_cost, 4, 31);
  r.string("DEFAULT_ORGANIZATION_ID", c.default_organization_id);
  r.string("ADMIN_EMAIL", c.admin_email);
  if (auto pw = r.raw("ADMIN_PASSWORD")) {
    c.admin_password = *pw;
  }
  r.boolean("ALLOW_ANONYMOUS_VALIDATE", c.allow_anonymous_validate);
  r.integer("API_KEY_ROTATION_GRACE_HOURS", c.api_key_rotation_grace_hours, 0,
            std::uint64_t{24} * 365);
  r.integer("LOGIN_MAX_FAILURES_PER_ACCOUNT", c.login_max_failures_per_account, 1, 1'000'000);
  r.integer("LOGIN_MAX_FAILURES_PER_ADDRESS", c.login_max_failures_per_address, 1, 1'000'000);
  r.integer("LOGIN_FAILURE_WINDOW_S", c.login_failure_window_s, 1, 86'400);
  r.integer("PASSWORD_HASH_THREADS", c.password_hash_threads, 1, 64);
  r.integer("PASSWORD_HASH_QUEUE", c.password_hash_queue, 1, 100'000);
  r.integer("AUTH_CACHE_TTL_MS", c.auth_cache_ttl_ms, 0, 60'000);
  r.integer("KEY_USAGE_FLUSH_MS", c.key_usage_flush_ms, 10, 600'000);
  r.string("OIDC_ISSUER", c.oidc_issuer);
  r.string("OIDC_JWKS_URL", c.oidc_jwks_url);
  r.string("OIDC_AUDIENCE", c.oidc_audience);
  r.string("OIDC_ORGANIZATION_CLAIM", c.oidc_organization_claim);
  r.string("OIDC_ROLE_CLAIM", c.oidc_role_claim);
  r.string("OIDC_ROLE_MAP", c.oidc_role_map);
  r.oneOf("OIDC_DEFAULT_ROLE", c.oidc_default_role, {"", "viewer", "member", "admin", "owner"});
  r.integer("OIDC_JWKS_CACHE_S", c.oidc_jwks_cache_s, 10, std::uint64_t{86'400} * 7);
  r.integer("OIDC_JWKS_TIMEOUT_MS", c.oidc_jwks_timeout_ms, 100, 60'000);
  r.integer("OIDC_JWKS_COOLDOWN_S", c.oidc_jwks_cooldown_s, 0, 3600);
  r.integer("RATE_LIMIT_PER_MINUTE", c.rate_limit_per_minute, 0, 1'000'000'000);
  r.integer("CHARACTERS_PER_MINUTE", c.characters_per_minute, 0, 1'000'000'000'000);
  r.integer("API_KEY_RATE_LIMIT_PER_MINUTE", c.api_key_rate_limit_per_minute, 0, 1'000'000'000);
  r.integer("ORG_SETTINGS_CACHE_MS", c.org_settings_cache_ms, 0, 600'000);
  r.oneOf("RATE_LIMIT_FAIL_MODE", c.rate_limit_fail_mode, {"local", "open", "closed"});
  r.integer("REPLICAS", c.replicas, 1, 10'000);
  if (auto url = r.raw("REDIS_URL")) {
    c.redis_url = *url;  // may hold a password: never echoed
  }
  r.integer("REDIS_TIMEOUT_MS", c.redis_timeout_ms, 1, 10'000);
  r.integer("REDIS_CONNECT_TIMEOUT_MS", c.redis_connect_timeout_ms, 1, 10'000);
  r.ratio("RATE_LIMIT_LEASE_FRACTION", c.rate_limit_lease_fraction);
  r.integer("RATE_LIMIT_LEASE_MS", c.rate_limit_lease_ms, 10, 60'000);
  r.integer("CIRCUIT_BREAKER_FAILURE_THRESHOLD", c.circuit_breaker_failure_threshold, 1, 1'000'000);
  r.integer("CIRCUIT_BREAKER_RECOVERY_TIMEOUT", c.circuit_breaker_recovery_timeout_s, 1, 86'400);
  r.boolean("ACCESS_LOG", c.access_log);
  r.boolean("ENABLE_TRACING", c.enable_tracing);
  r.string("OTEL_EXPORTER_OTLP_ENDPOINT", c.otel_exporter_otlp_endpoint);
  r.string("OTEL_SERVICE_NAME", c.otel_service_name);
  r.boolean("TRACE_DETECTOR_STAGES", c.trace_detector_stages);
  r.ratio("OTEL_TRACES_SAMPLER_ARG", c.trace_sampling_ratio);
  r.string("SENTRY_DSN", c.sentry_dsn);
  r.string("SENTRY_ENVIRONMENT", c.sentry_environment);
  r.string("SEMANTIC_DETECTOR_URL", c.semantic_detector_url);
  r.oneOf("SEMANTIC_DETECTOR_FORMAT", c.semantic_detector_format, {"openai-chat", "json"});
  r.string("SEMANTIC_DETECTOR_MODEL", c.semantic_detector_model);
  if (auto key = r.raw("SEMANTIC_DETECTOR_API_KEY")) {
    c.semantic_detector_api_key = *key;
  }
  r.integer("SEMANTIC_DETECTOR_TIMEOUT_MS", c.semantic_detector_timeout_ms, 10, 60'000);
  r.integer("SEMANTIC_DETECTOR_CONCURRENCY", c.semantic_detector_concurrency, 1, 4096);
  r.integer("SEMANTIC_CACHE_TTL", c.semantic_cache_ttl_s, 0, std::uint64_t{86'400} * 7);
  r.boolean("WEBHOOK_ALLOW_HTTP", c.webhook_allow_http);
  r.boolean("WEBHOOK_ALLOW_PRIVATE", c.webhook_allow_private);
  r.integer("WEBHOOK_SECRET_ROTATION_HOURS", c.webhook_secret_rotation_hours, 0,
            std::uint64_t{24} * 30);
  r.integer("WEBHOOK_TIMEOUT_MS", c.webhook_timeout_ms, 100, 120'000);
  r.integer("WEBHOOK_CONNECT_TIMEOUT_MS", c.webhook_connect_timeout_ms, 50, 60'000);
  r.string("WEBHOOK_RETRY_SCHEDULE", c.webhook_retry_schedule);
  r.integer("WEBHOOK_DISABLE_AFTER_FAILURES", c.webhook_disable_after_failures, 0, 1'000'000);
  r.boolean("WEBHOOK_WORKER", c.webhook_worker);
  r.integer("AUDIT_RETENTION_DAYS", c.audit_retention_days, 0, 36'500);
  r.duration("RETENTION_INTERVAL", c.retention_interval_ms, 100, 7ULL * 86'400'000);
  r.boolean("RETENTION_WORKER", c.retention_worker);
  r.boolean("METRICS_ORGANIZATION_LABEL", c.metrics_organization_label);
  r.integer("WORKER_METRICS_PORT", c.worker_metrics_port, 0, 65535);
  r.integer("L1_CACHE_SIZE", c.l1_cache_size, 16, 100'000'000);
  r.integer("L1_CACHE_TTL", c.l1_cache_ttl_s, 1, 86'400);
  r.integer("L2_CACHE_TTL", c.l2_cache_ttl_s, 1, std::uint64_t{86'400} * 7);
  r.boolean("VALIDATION_CACHE", c.validation_cache);
  r.integer("VALIDATION_CACHE_MIN_BYTES", c.validation_cache_min_bytes, 0, 1'000'000'000);
  r.integer("VALIDATION_CACHE_L2_MIN_BYTES", c.validation_cache_l2_min_bytes, 0, 1'000'000'000);
  r.string("PROXY_UPSTREAM_URL", c.proxy_upstream_url);
  if (auto key = r.raw("PROXY_UPSTREAM_API_KEY")) {
    c.proxy_upstream_api_key = *key;
  }
  r.string("PROXY_ANTHROPIC_URL", c.proxy_anthropic_url);
  if (auto key = r.raw("PROXY_ANTHROPIC_API_KEY")) {
    c.proxy_anthropic_api_key = *key;
  }
  r.boolean("PROXY_PASSTHROUGH_AUTH", c.proxy_passthrough_auth);
  r.integer("PROXY_STREAM_HOLDBACK_BYTES", c.proxy_stream_holdback_bytes, 16, 1 << 20);
  r.boolean("PROXY_STREAM_USAGE", c.proxy_stream_usage);
  r.integer("PROXY_CONNECT_TIMEOUT_MS", c.proxy_connect_timeout_ms, 10, 600'000);
  r.integer("PROXY_FIRST_BYTE_TIMEOUT_MS", c.proxy_first_byte_timeout_ms, 10, 3'600'000);
  r.integer("PROXY_IDLE_TIMEOUT_MS", c.proxy_idle_timeout_ms, 10, 3'600'000);
  while (!c.proxy_upstream_url.empty() && c.proxy_upstream_url.back() == '/') {
    c.proxy_upstream_url.pop_back();  // "<url>/chat/completions" must not get "//"
  }
  while (!c.proxy_anthropic_url.empty() && c.proxy_anthropic_url.back() == '/') {
    c.proxy_anthropic_url.pop_back();
  }
  if (c.proxy_anthropic_url.rfind("https://", 0) != 0 &&
      c.proxy_anthropic_url.rfind("http://", 0) != 0) {
    r.error("PROXY_ANTHROPIC_URL=" + c.proxy_anthropic_url +
            ": must be an http:// or https:// URL");
  }
  if (c.proxy_upstream_url.rfind("https://", 0) != 0 &&
      c.proxy_upstream_url.rfind("http://", 0) != 0) {
    r.error("PROXY_UPSTREAM_URL=" + c.proxy_upstream_url + ": must be an http:// or https:// URL");
  }
  if (!c.semantic_detector_url.empty() && c.semantic_detector_url.rfind("https://", 0) != 0 &&
      c.semantic_detector_url.rfind("http://", 0) != 0) {
    r.error("SEMANTIC_DETECTOR_URL: must be an http:// or https:// URL");
  }
  if (c.oidc_issuer.empty() != c.oidc_jwks_url.empty()) {
    r.error("OIDC_ISSUER and OIDC_JWKS_URL: set both to turn on single sign-on, or neither");
  }
  if (c.ssoEnabled()) {
    if (c.oidc_audience.empty()) {
      r.error(
          "OIDC_AUDIENCE: required with single sign-on (the client id your provider puts in aud)");
    }
    const bool https = c.oidc_jwks_url.rfind("https://", 0) == 0;
    const bool local_http = c.oidc_jwks_url.rfind("http://127.0.0.1:", 0) == 0 ||
                            c.oidc_jwks_url.rfind("http://localhost:", 0) == 0 ||
                            c.oidc_jwks_url.rfind("http://[::1]:", 0) == 0;
    if (!https && !local_http) {
      // Keys fetched in clear text could be swapped on the way: anyone could then sign in.
      r.error("OIDC_JWKS_URL=" + c.oidc_jwks_url + ": must be https:// (http only to localhost)");
    }
    if (c.oidc_organization_claim.empty() || c.oidc_role_claim.empty()) {
      r.error("OIDC_ORGANIZATION_CLAIM and OIDC_ROLE_CLAIM must not be empty");
    }
  }
  if (c.enable_tracing) {
    while (!c.otel_exporter_otlp_endpoint.empty() && c.otel_exporter_otlp_endpoint.back() == '/') {
      c.otel_exporter_otlp_endpoint.pop_back();  // "<endpoint>/v1/traces" must not get "//"
    }
    if (c.otel_exporter_otlp_endpoint.rfind("http://", 0) != 0 &&
        c.otel_exporter_otlp_endpoint.rfind("https://", 0) != 0) {
      r.error("OTEL_EXPORTER_OTLP_ENDPOINT=" + c.otel_exporter_otlp_endpoint +
              ": expected http://HOST:PORT or https://HOST:PORT (the OTLP/HTTP receiver)");
    }
    if (c.otel_service_name.empty()) {
      r.error("OTEL_SERVICE_NAME must not be empty");
    }
  }
  if (c.jwt_issuer.empty() || c.jwt_audience.empty()) {
    r.error("JWT_ISSUER and JWT_AUDIENCE must not be empty");
  }

  if (c.database_url.rfind("sqlite://", 0) != 0 && c.database_url.rfind("postgresql://", 0) != 0 &&
      c.database_url.rfind("postgres://", 0) != 0) {
    r.error("DATABASE_URL=" + c.database_url + ": expected sqlite://PATH or postgresql://...");
  }
  if (!r.errors().empty()) {
    std::string msg = "invalid configuration:";
    for (const auto& e : r.errors()) {
      msg += "\n  " + e;
    }
    return invalidArgument(msg);
  }
  if (c.threads == 0) {
    c.threads = std::max(1u, std::thread::hardware_concurrency());
  }
  return c;
}

Result<Config> loadConfigFromProcess() {
  std::map<std::string, std::string> dotenv;
  if (std::ifstream f(".env"); f) {
    std::stringstream ss;
    ss << f.rdbuf();
    dotenv = parseDotEnv(ss.str());
  }
  EnvLookup env = [](const std::string& key) -> std::optional<std::string> {
    const char* v = std::getenv(key.c_str());
    if (v == nullptr) {
      return std::nullopt;
    }
    return std::string(v);
  };
  return loadConfig(env, dotenv);
}

}  // namespace aisafe
