// /api/v1/policies: create, list, get, replace (a new version), delete, versions.
#pragma once

#include "api/route_handlers.h"
#include "policy/policy_service.h"

namespace aisafe::api {

struct PolicyRouteDeps {
  policy::PolicyService& policies;
};

// The handlers keep `deps` (its references must outlive the router).
void addPolicyRoutes(RouteHandlers& routes, PolicyRouteDeps deps);

}  // namespace aisafe::api
