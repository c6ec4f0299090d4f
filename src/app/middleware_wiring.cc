// The authentication and rate-limit middlewares (src/api/middleware), given what they use from
// Services. The chain's order is App::serve's.
#include "app/routes.h"

namespace aisafe::app {

api::AuthMiddlewareDeps authMiddlewareDeps(Services& s) {
  return {.api_keys = *s.api_keys,
          .auth = *s.auth,
          .auth_failures = s.metrics->auth_failures,
          .allow_anonymous_validate = s.config.allow_anonymous_validate,
          .default_organization_id = s.config.default_organization_id};
}

api::RateLimitMiddlewareDeps rateLimitMiddlewareDeps(Services& s) {
  return {.organizations = *s.organizations,
          .limiter = *s.rate_limiter,
          .rate_limited = s.metrics->rate_limited,
          .refusals = *s.rate_limit_log,
          .defaults = {.api_key_requests_per_minute = s.config.api_key_rate_limit_per_minute,
                       .organization_requests_per_minute = s.config.rate_limit_per_minute,
                       .organization_characters_per_minute = s.config.characters_per_minute}};
}

}  // namespace aisafe::app
