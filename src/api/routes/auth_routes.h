// /api/v1/auth: register, login, refresh, logout, me, password. Single sign-on users have no
// session or password here: logout and password change answer that the provider owns them.
#pragma once

#include <string>

#include "api/route_handlers.h"
#include "auth/auth_service.h"
#include "storage/user_repository.h"
#include "telemetry/metrics.h"
#include "tenancy/organization_service.h"

namespace aisafe::api {

struct AuthRouteDeps {
  auth::AuthService& auth;
  storage::UserRepository& users;
  tenancy::OrganizationService& organizations;
  telemetry::Counter& auth_failures;  // {reason}: refused logins
  std::string oidc_issuer;            // what GET /me names as an SSO user's issuer
};

// The handlers keep `deps` (its references must outlive the router).
void addAuthRoutes(RouteHandlers& routes, AuthRouteDeps deps);

}  // namespace aisafe::api
