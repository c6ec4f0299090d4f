// The one place where credentials are read and the permission matrix is enforced: each matched
// route's permission comes from its spec (api/route_spec.h). Sets ctx.organization_id and
// ctx.principal. Unmatched requests (404, 405) pass without credentials: they reveal nothing
// tenant-specific.
#pragma once

#include <string>

#include "auth/api_key_service.h"
#include "auth/auth_service.h"
#include "http/middleware.h"
#include "telemetry/metrics.h"

namespace aisafe::api {

struct AuthMiddlewareDeps {
  auth::ApiKeyService& api_keys;
  auth::AuthService& auth;            // access tokens, ours and the identity provider's
  telemetry::Counter& auth_failures;  // {reason}
  // ALLOW_ANONYMOUS_VALIDATE: callers without a credential may use the validate routes, as the
  // default organization.
  bool allow_anonymous_validate = false;
  std::string default_organization_id;
};

// The middleware keeps `deps` (its references must outlive it).
http::Middleware authMiddleware(AuthMiddlewareDeps deps);

}  // namespace aisafe::api
