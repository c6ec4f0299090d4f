// The HTTP API, one file per area; each adds the handlers of its routes, by the ids of their
// specs (api/route_spec.h), which say everything else about them.
#pragma once

#include "api/route_handlers.h"
#include "app/services.h"
#include "http/middleware.h"
#include "http/router.h"

namespace aisafe::app {

// validate, validate/response, validations, canary
void addValidationRoutes(api::RouteHandlers& routes, Services& s);
void addPolicyRoutes(api::RouteHandlers& routes, Services& s);        // /api/v1/policies
void addOpsRoutes(api::RouteHandlers& routes, Services& s);           // health, ready, metrics
void addAuthRoutes(api::RouteHandlers& routes, Services& s);          // /api/v1/auth/...
void addApiKeyRoutes(api::RouteHandlers& routes, Services& s);        // /api/v1/api-keys
void addOrganizationRoutes(api::RouteHandlers& routes, Services& s);  // /api/v1/organizations
void addWebhookRoutes(api::RouteHandlers& routes, Services& s);       // /api/v1/webhooks

// 204 with no body.
http::Response noContent();

// The caller as an auth::Identity (for services that check what it may grant).
auth::Identity identityOf(const http::RequestContext& ctx);

// Every area's handlers (the functions above), for the router and for tests.
api::RouteHandlers allRouteHandlers(Services& s);

// Authentication (API key or access token) and the permission check of every route against
// its spec (api/route_spec.h). Sets ctx.organization_id and ctx.principal.
http::Middleware authMiddleware(Services& s);

// Per-organization and per-API-key rate limits (after authentication); see the .cc.
http::Middleware rateLimitMiddleware(Services& s);

// The secret that signs access tokens: SECRET_KEY, or for the embedded default a key generated
// once into SECRET_KEY_FILE. Refuses to generate one for PostgreSQL (replicas must share it).
Result<std::string> resolveSecretKey(const Config& config);

}  // namespace aisafe::app
