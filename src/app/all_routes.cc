// Every area's handlers in one place: the router (app.cc) and the route tests use this list.
#include "app/routes.h"

namespace aisafe::app {

api::RouteHandlers allRouteHandlers(Services& s) {
  api::RouteHandlers routes;
  addOpsRoutes(routes, s);
  addValidationRoutes(routes, s);
  addPolicyRoutes(routes, s);
  addAuthRoutes(routes, s);
  addApiKeyRoutes(routes, s);
  addOrganizationRoutes(routes, s);
  addWebhookRoutes(routes, s);
  proxy::addProxyRoutes(routes, s.proxy);
  return routes;
}

}  // namespace aisafe::app
