// The HTTP API, one file per area; each adds its routes to the router.
#pragma once

#include "app/services.h"
#include "http/middleware.h"
#include "http/router.h"

namespace aisafe::app {

// validate, validate/response, validations, canary
void addValidationRoutes(http::Router& router, Services& s);
void addPolicyRoutes(http::Router& router, Services& s);        // /api/v1/policies
void addOpsRoutes(http::Router& router, Services& s);           // health, ready, metrics
void addAuthRoutes(http::Router& router, Services& s);          // /api/v1/auth/...
void addApiKeyRoutes(http::Router& router, Services& s);        // /api/v1/api-keys
void addOrganizationRoutes(http::Router& router, Services& s);  // /api/v1/organizations
void addWebhookRoutes(http::Router& router, Services& s);       // /api/v1/webhooks

// 204 with no body.
http::Response noContent();

// The caller as an auth::Identity (for services that check what it may grant).
auth::Identity identityOf(const http::RequestContext& ctx);

// Authentication (API key or access token) and the permission check of every route against
// the table in auth/permissions.h. Sets ctx.organization_id and ctx.principal.
http::Middleware authMiddleware(Services& s);

// Per-organization and per-API-key rate limits (after authentication); see the .cc.
http::Middleware rateLimitMiddleware(Services& s);

// The secret that signs access tokens: SECRET_KEY, or for the embedded default a key generated
// once into SECRET_KEY_FILE. Refuses to generate one for PostgreSQL (replicas must share it).
Result<std::string> resolveSecretKey(const Config& config);

}  // namespace aisafe::app
