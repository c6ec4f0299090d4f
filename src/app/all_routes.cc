// Every area's handlers in one place, each given what it uses from Services: the router
// (app.cc) and the route tests use this list.
#include "api/routes/api_key_routes.h"
#include "api/routes/auth_routes.h"
#include "api/routes/openapi_routes.h"
#include "api/routes/ops_routes.h"
#include "api/routes/organization_routes.h"
#include "api/routes/policy_routes.h"
#include "api/routes/reference_page_routes.h"
#include "api/routes/validation_routes.h"
#include "api/routes/webhook_routes.h"
#include "app/routes.h"
#include "app/webhook_wiring.h"

namespace aisafe::app {
namespace {

api::OpenApiInputs openApiInputs(const Services& s) {
  api::OpenApiInputs inputs{.version = AISAFE_VERSION, .detectors = {}};
  if (s.registry != nullptr) {
    for (const auto& factory : s.registry->factories()) {
      inputs.detectors.emplace_back(factory->name());
    }
  }
  return inputs;
}

}  // namespace

api::RouteHandlers allRouteHandlers(Services& s) {
  api::RouteHandlers routes;
  api::addOpsRoutes(routes, {.db = *s.db,
                             .registry = *s.registry,
                             .policies = *s.policies,
                             .default_organization_id = s.config.default_organization_id,
                             .redis = s.redis.get(),
                             .draining = s.draining,
                             .ready_requires_database = s.config.ready_requires_database,
                             .metrics = s.metrics_registry,
                             .breakers = *s.breakers,
                             .cache = *s.cache});
  api::addValidationRoutes(routes, {.validation = *s.validation,
                                    .validations = *s.validation_repo,
                                    .registry = *s.registry,
                                    .canary_key = *s.canary_key});
  api::addPolicyRoutes(routes, {.policies = *s.policies});
  api::addAuthRoutes(routes, {.auth = *s.auth,
                              .users = *s.user_repo,
                              .organizations = *s.organizations,
                              .auth_failures = s.metrics->auth_failures,
                              .oidc_issuer = s.config.oidc_issuer});
  api::addApiKeyRoutes(routes, {.api_keys = *s.api_keys});
  api::addOrganizationRoutes(
      routes, {.organizations = *s.organizations, .users = *s.user_repo, .cache = *s.cache});
  api::addWebhookRoutes(routes, {.endpoints = *s.webhook_endpoints,
                                 .deliveries = *s.webhook_deliveries,
                                 .cache = *s.cache,
                                 .breakers = *s.breakers,
                                 .send = sendOptions(s)});
  proxy::addProxyRoutes(routes, s.proxy);
  api::addOpenApiRoutes(routes, openApiInputs(s));
  api::addReferencePageRoutes(routes);
  return routes;
}

}  // namespace aisafe::app
