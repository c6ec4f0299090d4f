// The areas of the API, as app wires them (all_routes.cc), give every route spec its handler and
// no handler lacks a spec: the check App::serve makes before it listens, on real services (the
// handlers keep references to them, so they must exist), without starting the server.
#include <cstdlib>

#include <gtest/gtest.h>

#include "api/route_spec.h"
#include "app/app.h"
#include "app/routes.h"
#include "support/temp_dir.h"

namespace aisafe {
namespace {

TEST(AllRoutesTest, EverySpecHasAHandlerAndEveryHandlerASpec) {
  testsupport::TempDir dir;
  Config config;
  config.database_url = "sqlite://" + dir.path() + "/routes.db";
  config.secret_key = "a test secret that is long enough for HS256 signing";
  config.admin_password = "a-test-admin-password";  // not generated: nothing printed
  config.bcrypt_cost = 4;
  const char* cache_dir = std::getenv("COMPILED_RULES_CACHE_DIR");
  config.compiled_rules_cache_dir = cache_dir != nullptr ? cache_dir : dir.path() + "/cache";
  auto app = app::App::create(config);
  ASSERT_TRUE(app.isOk()) << app.status().message();

  auto router = app::allRouteHandlers((*app)->services()).build();
  ASSERT_TRUE(router.isOk()) << router.status().message();
  EXPECT_EQ(router->routes().size(), api::routeSpecs().size());
}

}  // namespace
}  // namespace aisafe
