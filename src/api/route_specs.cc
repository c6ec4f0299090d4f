// The table of every route (route_spec.h). Adding a route: a line here and its handler
// (RouteHandlers::handle with the same id); the permission matrix is docs/rbac.md.
#include <array>

#include "api/route_spec.h"

namespace aisafe::api {
namespace {

using boost::beast::http::verb;
using P = auth::Permission;
using E = http::Execution;
using R = RateLimitCharge;
using S = boost::beast::http::status;

// id, method, pattern, permission, lane, rate-limit charge, request and response schemas, summary,
// and the answer's status when it is not 200. The schemas are in openapi/schemas/*.json.
const std::array kRoutes = std::to_array<RouteSpec>({
    {"createApiKey", verb::post, "/api/v1/api-keys", P::kKeysWrite, E::kBlocking, R::kRequest,
     "ApiKeyCreate", "ApiKeyCreated", "Create an API key (its secret is shown once)", S::created},
    {"listApiKeys", verb::get, "/api/v1/api-keys", P::kKeysRead, E::kBlocking, R::kRequest, "",
     "ApiKeyList", "List the organization's API keys"},
    {"getApiKey", verb::get, "/api/v1/api-keys/{id}", P::kKeysRead, E::kBlocking, R::kRequest, "",
     "ApiKey", "Get an API key (never its secret)"},
    {"updateApiKey", verb::patch, "/api/v1/api-keys/{id}", P::kKeysWrite, E::kBlocking, R::kRequest,
     "ApiKeyPatch", "ApiKey", "Change an API key's name, scopes, expiry or limit"},
    {"revokeApiKey", verb::delete_, "/api/v1/api-keys/{id}", P::kKeysWrite, E::kBlocking,
     R::kRequest, "", "", "Revoke an API key", S::no_content},
    {"rotateApiKey", verb::post, "/api/v1/api-keys/{id}/rotate", P::kKeysWrite, E::kBlocking,
     R::kRequest, "", "ApiKeyCreated", "Rotate an API key's secret"},
    {"register", verb::post, "/api/v1/auth/register", P::kPublic, E::kCredential, R::kRequest,
     "Registration", "Tokens", "Create an organization and its owner", S::created},
    {"login", verb::post, "/api/v1/auth/login", P::kPublic, E::kCredential, R::kRequest, "Login",
     "Tokens", "Sign in with email and password"},
    {"refreshTokens", verb::post, "/api/v1/auth/refresh", P::kPublic, E::kBlocking, R::kRequest,
     "Refresh", "Tokens", "Trade a refresh token for new tokens"},
    {"logout", verb::post, "/api/v1/auth/logout", P::kSelf, E::kBlocking, R::kRequest, "", "",
     "End the session", S::no_content},
    {"getMe", verb::get, "/api/v1/auth/me", P::kSelf, E::kBlocking, R::kRequest, "", "Me",
     "The signed-in user"},
    {"changePassword", verb::post, "/api/v1/auth/password", P::kSelf, E::kCredential, R::kRequest,
     "PasswordChange", "", "Change your password", S::no_content},
    {"health", verb::get, "/health", P::kPublic, E::kInline, R::kRequest, "", "Health", "Liveness"},
    {"ready", verb::get, "/ready", P::kPublic, E::kBlocking, R::kRequest, "", "Readiness",
     "Readiness: database, rules, shared state"},
    {"metrics", verb::get, "/metrics", P::kPublic, E::kInline, R::kRequest, "", "",
     "Prometheus metrics"},
    // This API's own description, built once at start-up (openapi/openapi_document.h).
    {"getOpenApi", verb::get, "/openapi.json", P::kPublic, E::kInline, R::kRequest, "",
     "OpenApiDocument", "This API's OpenAPI 3.1 document"},
    // The reference page that renders it, and the page's files (routes/reference_page_routes.h).
    {"getApiReference", verb::get, "/docs", P::kPublic, E::kInline, R::kRequest, "", "",
     "The API reference page"},
    {"getApiReferenceFile", verb::get, "/docs/{file}", P::kPublic, E::kInline, R::kRequest, "", "",
     "A file of the API reference page (its script and style sheet)"},
    {"listCircuitBreakers", verb::get, "/api/v1/admin/circuit-breakers", P::kPlatformAdmin,
     E::kInline, R::kExempt, "", "CircuitBreakerList", "Circuit breakers and their state"},
    {"getCacheStats", verb::get, "/api/v1/admin/cache/stats", P::kPlatformAdmin, E::kInline,
     R::kExempt, "", "CacheStats", "Cache statistics"},
    {"invalidateCache", verb::post, "/api/v1/admin/cache/invalidate", P::kPlatformAdmin, E::kInline,
     R::kExempt, "CacheInvalidation", "CacheInvalidated", "Invalidate a cache namespace"},
    {"createOrganization", verb::post, "/api/v1/organizations", P::kPlatformAdmin, E::kBlocking,
     R::kRequest, "OrganizationCreate", "Organization", "Create an organization", S::created},
    {"listOrganizations", verb::get, "/api/v1/organizations", P::kPlatformAdmin, E::kBlocking,
     R::kRequest, "", "OrganizationList", "List organizations"},
    {"getOrganization", verb::get, "/api/v1/organizations/{id}", P::kOrganizationRead, E::kBlocking,
     R::kRequest, "", "Organization", "Get your organization and its settings"},
    {"updateOrganization", verb::patch, "/api/v1/organizations/{id}", P::kOrganizationWrite,
     E::kBlocking, R::kRequest, "OrganizationPatch", "Organization",
     "Change your organization's name or settings"},
    {"listMembers", verb::get, "/api/v1/organizations/{id}/members", P::kMembersRead, E::kBlocking,
     R::kRequest, "", "MemberList", "List members"},
    {"createInvitation", verb::post, "/api/v1/organizations/{id}/invitations", P::kMembersWrite,
     E::kBlocking, R::kRequest, "InvitationCreate", "Invitation",
     "Invite a member (the link is shown once)", S::created},
    {"updateMember", verb::patch, "/api/v1/organizations/{id}/members/{user_id}", P::kMembersWrite,
     E::kBlocking, R::kRequest, "MemberPatch", "Member", "Change a member's role"},
    {"removeMember", verb::delete_, "/api/v1/organizations/{id}/members/{user_id}",
     P::kMembersWrite, E::kBlocking, R::kRequest, "", "", "Remove a member", S::no_content},
    {"createPolicy", verb::post, "/api/v1/policies", P::kPoliciesWrite, E::kBlocking, R::kRequest,
     "PolicyDocument", "Policy", "Create a policy", S::created},
    {"listPolicies", verb::get, "/api/v1/policies", P::kPoliciesRead, E::kBlocking, R::kRequest, "",
     "PolicyList", "List policies"},
    {"getPolicy", verb::get, "/api/v1/policies/{id}", P::kPoliciesRead, E::kBlocking, R::kRequest,
     "", "Policy", "Get a policy"},
    {"replacePolicy", verb::put, "/api/v1/policies/{id}", P::kPoliciesWrite, E::kBlocking,
     R::kRequest, "PolicyDocument", "Policy", "Replace a policy (a new version)"},
    {"deletePolicy", verb::delete_, "/api/v1/policies/{id}", P::kPoliciesWrite, E::kBlocking,
     R::kRequest, "", "", "Delete a policy", S::no_content},
    {"listPolicyVersions", verb::get, "/api/v1/policies/{id}/versions", P::kPoliciesRead,
     E::kBlocking, R::kRequest, "", "PolicyVersionList", "A policy's versions"},
    {"validatePrompt", verb::post, "/api/v1/validate", P::kValidate, E::kInline,
     R::kRequestAndCharacters, "ValidatePrompt", "Validation",
     "Check a prompt (or retrieved content) against a policy"},
    {"validateResponse", verb::post, "/api/v1/validate/response", P::kValidate, E::kInline,
     R::kRequestAndCharacters, "ValidateResponse", "Validation",
     "Check a model's answer for leaks"},
    {"issueCanary", verb::post, "/api/v1/canary", P::kValidate, E::kInline, R::kRequest, "",
     "Canary", "A canary word to plant in a system prompt", S::created},
    {"listValidations", verb::get, "/api/v1/validations", P::kValidationsRead, E::kBlocking,
     R::kRequest, "", "ValidationList", "The audit trail"},
    {"listWebhookDeliveries", verb::get, "/api/v1/webhooks/{id}/deliveries", P::kWebhooksRead,
     E::kBlocking, R::kRequest, "", "WebhookDeliveryList",
     "An endpoint's deliveries and their attempts"},
    {"retryWebhookDelivery", verb::post, "/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry",
     P::kWebhooksWrite, E::kBlocking, R::kRequest, "", "WebhookDeliveryQueued",
     "Send a delivery again", S::accepted},
    {"createWebhook", verb::post, "/api/v1/webhooks", P::kWebhooksWrite, E::kBlocking, R::kRequest,
     "WebhookCreate", "WebhookCreated", "Create a webhook endpoint (its secret is shown once)",
     S::created},
    {"listWebhooks", verb::get, "/api/v1/webhooks", P::kWebhooksRead, E::kBlocking, R::kRequest, "",
     "WebhookList", "List webhook endpoints"},
    {"getWebhook", verb::get, "/api/v1/webhooks/{id}", P::kWebhooksRead, E::kBlocking, R::kRequest,
     "", "Webhook", "Get a webhook endpoint"},
    {"updateWebhook", verb::patch, "/api/v1/webhooks/{id}", P::kWebhooksWrite, E::kBlocking,
     R::kRequest, "WebhookPatch", "Webhook", "Change a webhook endpoint"},
    {"deleteWebhook", verb::delete_, "/api/v1/webhooks/{id}", P::kWebhooksWrite, E::kBlocking,
     R::kRequest, "", "", "Delete a webhook endpoint", S::no_content},
    {"testWebhook", verb::post, "/api/v1/webhooks/{id}/test", P::kWebhooksWrite, E::kBlocking,
     R::kRequest, "", "WebhookTest", "Send a test event now"},
    {"rotateWebhookSecret", verb::post, "/api/v1/webhooks/{id}/rotate-secret", P::kWebhooksWrite,
     E::kBlocking, R::kRequest, "", "WebhookCreated", "Rotate an endpoint's signing secret"},
    // The model proxy (src/proxy, issue 23): OpenAI's paths, so an SDK's base URL is all a
    // caller changes. Charged like validate: the conversation is what the scan reads.
    {"chatCompletions", verb::post, "/v1/chat/completions", P::kProxy, E::kInline,
     R::kRequestAndCharacters, "ChatCompletionRequest", "ChatCompletion",
     "A chat completion from the upstream model, conversation and answer scanned"},
    {"createEmbeddings", verb::post, "/v1/embeddings", P::kProxy, E::kInline,
     R::kRequestAndCharacters, "EmbeddingsRequest", "EmbeddingList",
     "Embeddings from the upstream model, every input scanned first"},
    {"listModels", verb::get, "/v1/models", P::kProxy, E::kInline, R::kRequest, "", "ModelList",
     "The upstream's models, passed through"},
    // Anthropic's Messages API, so its SDK works with baseURL ".../anthropic".
    {"anthropicMessages", verb::post, "/anthropic/v1/messages", P::kProxy, E::kInline,
     R::kRequestAndCharacters, "AnthropicMessagesRequest", "AnthropicMessage",
     "A message from Anthropic's model, conversation and answer scanned"},
});

}  // namespace

std::span<const RouteSpec> routeSpecs() { return kRoutes; }

const RouteSpec* routeSpecOf(const http::RequestContext& ctx) {
  return ctx.route_tag < kRoutes.size() ? &kRoutes[ctx.route_tag] : nullptr;
}

const RouteSpec* findRouteSpec(std::string_view id) {
  for (const auto& spec : kRoutes) {
    if (spec.id == id) {
      return &spec;
    }
  }
  return nullptr;
}

}  // namespace aisafe::api
