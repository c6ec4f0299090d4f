// GET /health (the process answers), GET /ready (database reachable, rules loaded, default
// policy compiled; Redis is reported but never makes a node unready: nothing of record lives
// there), GET /metrics (Prometheus text format), GET /api/v1/admin/circuit-breakers,
// GET /api/v1/admin/cache/stats, POST /api/v1/admin/cache/invalidate.
#pragma once

#include <atomic>
#include <string>

#include "api/route_handlers.h"
#include "cache/cache_manager.h"
#include "detect/registry.h"
#include "policy/policy_service.h"
#include "resilience/circuit_breaker.h"
#include "resilience/redis_client.h"
#include "storage/database.h"
#include "telemetry/metrics.h"

namespace aisafe::api {

struct OpsRouteDeps {
  storage::Database& db;
  const detect::Registry& registry;
  policy::PolicyService& policies;
  std::string default_organization_id;  // whose default policy must compile to be ready
  resilience::RedisClient* redis;       // null without REDIS_URL
  const std::atomic<bool>& draining;    // set on SIGTERM: /ready says so
  bool ready_requires_database;         // READY_REQUIRES_DATABASE (decision 0027)
  telemetry::Registry& metrics;
  resilience::BreakerRegistry& breakers;
  cache::CacheManager& cache;
};

// The handlers keep `deps` (its references must outlive the router).
void addOpsRoutes(RouteHandlers& routes, OpsRouteDeps deps);

}  // namespace aisafe::api
