// Every route the server registers has exactly one rule in the permission table, and the table
// names no route that does not exist: a new route cannot ship without a decision on who may
// call it.
#include <set>

#include <gtest/gtest.h>

#include "app/routes.h"
#include "auth/permissions.h"

namespace aisafe {
namespace {

http::Router allRoutes(app::Services& s) {
  http::Router router;
  app::addOpsRoutes(router, s);
  app::addValidationRoutes(router, s);
  app::addPolicyRoutes(router, s);
  app::addAuthRoutes(router, s);
  app::addApiKeyRoutes(router, s);
  app::addOrganizationRoutes(router, s);
  app::addWebhookRoutes(router, s);
  return router;
}

TEST(RoutePermissionsTest, EveryRouteHasARuleAndEveryRuleARoute) {
  app::Services services;  // handlers are registered, never called
  http::Router router = allRoutes(services);
  std::set<std::pair<std::string, std::string>> registered;
  for (const auto& r : router.routes()) {
    const std::string method(boost::beast::http::to_string(r.method));
    registered.emplace(method, r.pattern);
    EXPECT_TRUE(auth::routePermission(method, r.pattern).has_value())
        << method << " " << r.pattern << " has no rule in auth/permissions.cc";
  }
  for (const auto& rule : auth::routeRules()) {
    EXPECT_TRUE(registered.count({std::string(rule.method), std::string(rule.pattern)}))
        << rule.method << " " << rule.pattern << " is in the table but not served";
  }
}

TEST(RoutePermissionsTest, RolesAreOrderedAndScopesAreBounded) {
  using auth::Permission;
  for (Permission p : {Permission::kPoliciesRead, Permission::kValidationsRead}) {
    EXPECT_TRUE(auth::roleAllows("viewer", p));
  }
  EXPECT_FALSE(auth::roleAllows("viewer", Permission::kValidate));
  EXPECT_TRUE(auth::roleAllows("member", Permission::kValidate));
  EXPECT_FALSE(auth::roleAllows("member", Permission::kPoliciesWrite));
  EXPECT_TRUE(auth::roleAllows("admin", Permission::kPoliciesWrite));
  EXPECT_FALSE(auth::roleAllows("owner", Permission::kPlatformAdmin));
  EXPECT_FALSE(auth::roleAllows("stranger", Permission::kPoliciesRead));
  EXPECT_TRUE(auth::scopesAllow({"validate"}, Permission::kValidate));
  EXPECT_FALSE(auth::scopesAllow({"validate"}, Permission::kPoliciesRead));
  EXPECT_FALSE(auth::scopesAllow({"admin"}, Permission::kPlatformAdmin));
  EXPECT_TRUE(auth::roleMayGrantScope("member", "validate"));
  EXPECT_FALSE(auth::roleMayGrantScope("member", "policies:write"));
  EXPECT_FALSE(auth::roleMayGrantScope("admin", "nonsense"));
}

}  // namespace
}  // namespace aisafe
