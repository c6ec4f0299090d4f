// Rate limits on every request that belongs to an organization, after authentication:
// requests per minute for the API key (if it has a limit) and for the organization, and on the
// routes whose spec charges characters, characters per minute for the organization. Every such
// response carries RateLimit-Limit/-Remaining/-Reset for the limit closest to running out; a
// refusal is a 429 with Retry-After, a JSON error naming the limit, a metric and a row in
// rate_limit_logs (docs/rate-limits.md).
#pragma once

#include <cstdint>

#include "http/middleware.h"
#include "resilience/rate_limiter.h"
#include "storage/batch_writer.h"
#include "storage/rate_limit_log_repository.h"
#include "telemetry/metrics.h"
#include "tenancy/organization_service.h"

namespace aisafe::api {

// The limits where neither the API key nor the organization's settings name one; 0: no limit.
struct DefaultRateLimits {
  std::int64_t api_key_requests_per_minute = 0;
  std::int64_t organization_requests_per_minute = 0;
  std::int64_t organization_characters_per_minute = 0;
};

struct RateLimitMiddlewareDeps {
  tenancy::OrganizationService& organizations;  // each organization's own limits (cached)
  resilience::RateLimiter& limiter;
  telemetry::Counter& rate_limited;                          // {limit}
  storage::BatchWriter<storage::RateLimitLogRow>& refusals;  // rate_limit_logs
  DefaultRateLimits defaults;
};

// The middleware keeps `deps` (its references must outlive it).
http::Middleware rateLimitMiddleware(RateLimitMiddlewareDeps deps);

}  // namespace aisafe::api
