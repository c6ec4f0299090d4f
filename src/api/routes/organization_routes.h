// /api/v1/organizations: create and list (platform admins), the caller's own organization, its
// members and invitations. Another organization's id answers 404, as if it did not exist.
#pragma once

#include "api/route_handlers.h"
#include "cache/cache_manager.h"
#include "storage/user_repository.h"
#include "tenancy/organization_service.h"

namespace aisafe::api {

struct OrganizationRouteDeps {
  tenancy::OrganizationService& organizations;
  storage::UserRepository& users;
  cache::CacheManager& cache;  // a change of settings is announced to the other replicas
};

// The handlers keep `deps` (its references must outlive the router).
void addOrganizationRoutes(RouteHandlers& routes, OrganizationRouteDeps deps);

}  // namespace aisafe::api
