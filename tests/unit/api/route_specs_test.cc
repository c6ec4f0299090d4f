// The routes are data (api/route_spec.h): ids and (method, pattern) pairs are unique, a missing or
// unknown handler stops the start, and the router built from them serves each spec under its tag,
// so the middlewares read the right permission and charge. That the areas of the API give every
// spec its handler is tests/unit/app/all_routes_test.cc, where the areas are wired.
#include <set>

#include <gtest/gtest.h>

#include "api/route_handlers.h"
#include "api/route_spec.h"
#include "auth/permissions.h"

namespace aisafe {
namespace {

// A handler for every spec, which is never called: what the router makes of the specs alone.
api::RouteHandlers stubHandlers() {
  api::RouteHandlers handlers;
  for (const auto& spec : api::routeSpecs()) {
    handlers.handle(spec.id,
                    [](http::RequestContext&, const http::Request&) { return http::Response{}; });
  }
  return handlers;
}

TEST(RouteSpecsTest, TheRouterServesEverySpecUnderItsIndex) {
  auto router = stubHandlers().build();
  ASSERT_TRUE(router.isOk()) << router.status().message();
  const auto specs = api::routeSpecs();
  ASSERT_EQ(router->routes().size(), specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto& route = router->routes()[i];
    EXPECT_EQ(route.tag, i);
    EXPECT_EQ(route.pattern, specs[i].pattern);
    EXPECT_EQ(route.method, specs[i].method);
    EXPECT_EQ(route.execution, specs[i].execution) << specs[i].id;
  }
}

TEST(RouteSpecsTest, IdsAndRoutesAreUnique) {
  std::set<std::string_view> ids;
  std::set<std::pair<std::string, std::string_view>> routes;
  for (const auto& spec : api::routeSpecs()) {
    EXPECT_TRUE(ids.insert(spec.id).second) << spec.id << " twice";
    EXPECT_TRUE(
        routes.emplace(std::string(boost::beast::http::to_string(spec.method)), spec.pattern)
            .second)
        << spec.pattern << " twice";
    EXPECT_FALSE(spec.summary.empty()) << spec.id;
  }
}

TEST(RouteSpecsTest, AMatchedRequestFindsItsSpecAndAnUnmatchedOneNone) {
  auto router = stubHandlers().build();
  ASSERT_TRUE(router.isOk());
  const auto m = router->match(boost::beast::http::verb::post, "/api/v1/validate");
  ASSERT_NE(m.route, nullptr);
  http::RequestContext ctx;
  ctx.route_tag = m.route->tag;
  const api::RouteSpec* spec = api::routeSpecOf(ctx);
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->id, "validatePrompt");
  EXPECT_EQ(spec->permission, auth::Permission::kValidate);
  EXPECT_EQ(spec->rate_limit, api::RateLimitCharge::kRequestAndCharacters);
  EXPECT_EQ(api::routeSpecOf(http::RequestContext{}), nullptr);
  EXPECT_EQ(api::findRouteSpec("listCircuitBreakers")->rate_limit, api::RateLimitCharge::kExempt);
}

TEST(RouteSpecsTest, AMissingOrUnknownHandlerStopsTheStart) {
  api::RouteHandlers handlers;
  handlers.handle("health",
                  [](http::RequestContext&, const http::Request&) { return http::Response{}; });
  auto missing = handlers.build();
  ASSERT_FALSE(missing.isOk());
  EXPECT_NE(missing.status().message().find("has no handler"), std::string::npos);
  handlers.handle("noSuchRoute",
                  [](http::RequestContext&, const http::Request&) { return http::Response{}; });
  auto unknown = handlers.build();
  ASSERT_FALSE(unknown.isOk());
  EXPECT_NE(unknown.status().message().find("no route spec"), std::string::npos);
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
