// /api/v1/api-keys: create (the key shown once), list, get, change, revoke, rotate.
#pragma once

#include "api/route_handlers.h"
#include "auth/api_key_service.h"

namespace aisafe::api {

struct ApiKeyRouteDeps {
  auth::ApiKeyService& api_keys;
};

// The handlers keep `deps` (its references must outlive the router).
void addApiKeyRoutes(RouteHandlers& routes, ApiKeyRouteDeps deps);

}  // namespace aisafe::api
