#include "app/shared_state.h"

#include <atomic>
#include <chrono>

#include "app/jobs_wiring.h"
#include "resilience/leasing_rate_limiter.h"
#include "resilience/shared_rate_limiter.h"
#include "telemetry/logging.h"

namespace aisafe::app {
namespace {

double stateValue(resilience::BreakerState s) {
  switch (s) {
    case resilience::BreakerState::kClosed:
      return 0;
    case resilience::BreakerState::kHalfOpen:
      return 1;
    case resilience::BreakerState::kOpen:
      return 2;
  }
  return 0;
}

void addBreakerMetrics(Services& s) {
  auto* breakers = s.breakers.get();
  auto family = [breakers](auto field) {
    return [breakers, field] {
      telemetry::Registry::Samples out;
      for (const auto& b : breakers->snapshots()) {
        out.push_back({{{"name", b.name}}, field(b)});
      }
      return out;
    };
  };
  s.metrics_registry.gaugeFamily(
      "aisafe_circuit_breaker_state", "Circuit breaker state: 0 closed, 1 half-open, 2 open",
      family([](const resilience::BreakerSnapshot& b) { return stateValue(b.state); }));
  s.metrics_registry.gaugeFamily("aisafe_circuit_breaker_transitions",
                                 "State changes of each circuit breaker since start",
                                 family([](const resilience::BreakerSnapshot& b) {
                                   return static_cast<double>(b.transitions);
                                 }));
  s.metrics_registry.gaugeFamily(
      "aisafe_circuit_breaker_failures", "Failed (or too slow) calls through each breaker",
      family([](const resilience::BreakerSnapshot& b) { return static_cast<double>(b.failures); }));
  s.metrics_registry.gaugeFamily(
      "aisafe_circuit_breaker_rejected", "Calls refused at once because the breaker was open",
      family([](const resilience::BreakerSnapshot& b) { return static_cast<double>(b.rejected); }));
}

Status createRateLimiter(Services& s) {
  const Config& config = s.config;
  if (!s.redis) {
    s.rate_limiter = std::make_unique<resilience::LocalRateLimiter>();
    return Status::ok();
  }
  resilience::FailMode mode = resilience::FailMode::kLocal;
  resilience::parseFailMode(config.rate_limit_fail_mode, mode);  // validated by Config
  Metrics* metrics = s.metrics.get();
  // One warning per 10 s at most: during an outage every request falls back.
  auto last_warning = std::make_shared<std::atomic<std::int64_t>>(0);
  auto observer = [metrics, last_warning](resilience::FailMode m, const aisafe::Status& why) {
    metrics->rate_limit_fallbacks.inc({{"mode", resilience::toString(m)}});
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::steady_clock::now().time_since_epoch())
                                 .count();
    std::int64_t last = last_warning->load();
    if (now - last >= 10 && last_warning->compare_exchange_strong(last, now)) {
      telemetry::logWarn("rate limits without Redis",
                         {{"fail_mode", resilience::toString(m)}, {"reason", why.message()}});
    }
  };
  auto shared = std::make_unique<resilience::SharedRateLimiter>(
      *s.redis, mode, static_cast<int>(config.replicas), observer);
  if (config.rate_limit_lease_fraction <= 0) {
    s.rate_limiter = std::move(shared);
    return Status::ok();
  }
  // Most requests are then decided in process, from slices of the limits taken from Redis.
  s.rate_limiter = std::make_unique<resilience::LeasingRateLimiter>(
      std::move(shared), resilience::LeasingRateLimiter::Options{
                             .fraction = config.rate_limit_lease_fraction,
                             .lease_ttl = std::chrono::milliseconds(config.rate_limit_lease_ms)});
  return Status::ok();
}

void addCacheMetrics(Services& s) {
  auto* cache = s.cache.get();
  using Samples = telemetry::Registry::Samples;
  // By level and namespace family ("validation", "semantic": the namespace before its first
  // ':'), never by organization. The label is cache_namespace, not namespace: Kubernetes
  // scrape configs attach their own `namespace` label, which would rename ours.
  using Field = std::uint64_t cache::NamespaceStats::*;
  const auto by_family = [cache](Field l1, Field l2) {
    return [cache, l1, l2] {
      Samples out;
      for (const auto& f : cache->namespaceStats()) {
        out.push_back(
            {{{"level", "l1"}, {"cache_namespace", f.prefix}}, static_cast<double>(f.*l1)});
        if (l2 != nullptr) {
          out.push_back(
              {{{"level", "l2"}, {"cache_namespace", f.prefix}}, static_cast<double>(f.*l2)});
        }
      }
      return out;
    };
  };
  s.metrics_registry.gaugeFamily(
      "aisafe_cache_hits", "Cache hits by level and namespace family",
      by_family(&cache::NamespaceStats::l1_hits, &cache::NamespaceStats::l2_hits));
  s.metrics_registry.gaugeFamily(
      "aisafe_cache_misses", "Cache misses by level and namespace family",
      by_family(&cache::NamespaceStats::l1_misses, &cache::NamespaceStats::l2_misses));
  s.metrics_registry.gaugeFamily(
      "aisafe_cache_evictions",
      "Entries evicted to make room, by level and namespace family (L2 entries expire in Redis)",
      by_family(&cache::NamespaceStats::l1_evictions, nullptr));
  s.metrics_registry.gauge("aisafe_cache_l1_evictions", "L1 entries evicted to make room",
                           [cache] { return static_cast<double>(cache->stats().l1.evictions); });
  s.metrics_registry.gauge("aisafe_cache_l1_size", "L1 entries",
                           [cache] { return static_cast<double>(cache->stats().l1.size); });
  s.metrics_registry.gauge("aisafe_cache_loads", "Cache misses that ran their loader",
                           [cache] { return static_cast<double>(cache->stats().loads); });
  s.metrics_registry.gauge("aisafe_cache_coalesced",
                           "Cache misses that waited for another request's loader",
                           [cache] { return static_cast<double>(cache->stats().coalesced); });
  s.metrics_registry.gauge("aisafe_cache_l2_errors", "Redis errors seen by the cache",
                           [cache] { return static_cast<double>(cache->stats().l2_errors); });
}

// What lives outside the cache but must follow other replicas' changes at once.
void wireInvalidation(Services& s) {
  auto* cache = s.cache.get();
  s.api_keys->onChange([cache](const std::string& id) { cache->invalidate("api_keys:" + id); });
  cache->onInvalidate("api_keys:", [keys = s.api_keys.get()](const std::string& ns) {
    keys->forget(ns.substr(std::string_view("api_keys:").size()));
  });
  s.policies->onChange([cache](const policy::PolicyEvent& e) {
    cache->invalidate("policies:" + e.organization_id);
  });
  cache->onInvalidate("policies:", [policies = s.policies.get()](const std::string& ns) {
    const std::string org = ns.substr(std::string_view("policies:").size());
    // Only what changed lately in that organization, and only what this replica holds.
    if (auto changed = policies->refreshOrganization(org); !changed) {
      telemetry::logWarn("policy reload after another replica's change failed",
                         {{"organization_id", org}, {"error", changed.status().message()}});
    }
  });
  cache->onInvalidate("org_settings:", [orgs = s.organizations.get(),
                                        policies = s.policies.get()](const std::string& ns) {
    const std::string org = ns.substr(std::string_view("org_settings:").size());
    orgs->forgetSettings(org);
    // The settings name the default policy: follow a new one now, not at the next refresh.
    if (auto changed = policies->refreshOrganization(org); !changed) {
      telemetry::logWarn("policy reload after another replica's change failed",
                         {{"organization_id", org}, {"error", changed.status().message()}});
    }
  });
}

void createRateLimitLog(Services& s) {
  s.rate_limit_log_repo = std::make_unique<storage::RateLimitLogRepository>(*s.db);
  s.rate_limit_log = std::make_unique<storage::BatchWriter<storage::RateLimitLogRow>>(
      [repo = s.rate_limit_log_repo.get()](const std::vector<storage::RateLimitLogRow>& rows) {
        return repo->insertBatch(rows);
      },
      storage::BatchWriterOptions{
          .queue_capacity = 10'000, .batch_size = 500, .flush_interval_ms = 1000},
      [](const aisafe::Status& st) {
        // Warn: the job monitor reports the failed batch to Sentry (one event per failure streak).
        telemetry::logWarn("rate-limit log batch could not be written", {{"error", st.message()}});
      },
      batchObserver(s, "rate_limit_log"));
  auto* rate_log = s.rate_limit_log.get();
  s.metrics_registry.gauge("aisafe_rate_limit_log_dropped_total",
                           "Limit hits not logged because the log queue was full",
                           [rate_log] { return static_cast<double>(rate_log->dropped()); });
}

}  // namespace

void createBreakers(Services& s) {
  resilience::BreakerOptions defaults;
  defaults.failure_threshold = static_cast<int>(s.config.circuit_breaker_failure_threshold);
  defaults.recovery_timeout = std::chrono::seconds(s.config.circuit_breaker_recovery_timeout_s);
  s.breakers = std::make_unique<resilience::BreakerRegistry>(defaults);
  addBreakerMetrics(s);
}

Status createSharedState(Services& s) {
  const Config& config = s.config;

  if (!config.redis_url.empty()) {
    resilience::RedisOptions options;
    options.url = config.redis_url;
    options.command_timeout = std::chrono::milliseconds(config.redis_timeout_ms);
    options.connect_timeout = std::chrono::milliseconds(config.redis_connect_timeout_ms);
    // Calls slower than the command timeout already fail; the breaker counts those.
    AISAFE_TRY(s.redis, resilience::RedisClient::create(options, s.breakers->get("redis")));
    auto ping = s.redis->command({"PING"});
    // Redis is not of record: a node starts without it and uses the fallbacks until it answers.
    if (ping) {
      telemetry::logInfo("redis connected", {{"endpoint", s.redis->endpoint()}});
    } else {
      telemetry::logWarn("redis not reachable at start; using fallbacks",
                         {{"endpoint", s.redis->endpoint()}, {"error", ping.status().message()}});
    }
  }
  cache::CacheOptions cache_options;
  cache_options.l1_size = config.l1_cache_size;
  cache_options.l1_ttl = std::chrono::seconds(config.l1_cache_ttl_s);
  cache_options.l2_ttl = std::chrono::seconds(config.l2_cache_ttl_s);
  s.cache = std::make_unique<cache::CacheManager>(cache_options, s.redis.get());
  addCacheMetrics(s);
  wireInvalidation(s);
  AISAFE_RETURN_IF_ERROR(createRateLimiter(s));
  createRateLimitLog(s);
  return Status::ok();
}

}  // namespace aisafe::app
