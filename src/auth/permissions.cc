#include "auth/permissions.h"

#include <algorithm>
#include <array>

namespace aisafe::auth {
namespace {

using P = Permission;

// What each role may do. Owners differ from admins only in handling other owners, which the
// member routes check (it depends on the target, not on the route).
constexpr std::array kViewer = {P::kValidationsRead, P::kPoliciesRead, P::kWebhooksRead,
                                P::kKeysRead,        P::kMembersRead,  P::kOrganizationRead};
constexpr std::array kMemberExtra = {P::kValidate};
constexpr std::array kAdminExtra = {P::kPoliciesWrite, P::kWebhooksWrite, P::kKeysWrite,
                                    P::kMembersWrite, P::kOrganizationWrite};

template <std::size_t N>
bool contains(const std::array<P, N>& a, P p) {
  return std::find(a.begin(), a.end(), p) != a.end();
}

struct ScopeRule {
  std::string_view scope;
  std::vector<P> grants;
};

const std::vector<ScopeRule>& scopeRules() {
  static const std::vector<ScopeRule> kRules = {
      {"validate", {P::kValidate}},
      {"validations:read", {P::kValidationsRead}},
      {"policies:read", {P::kPoliciesRead}},
      {"policies:write", {P::kPoliciesRead, P::kPoliciesWrite}},
      {"webhooks:read", {P::kWebhooksRead}},
      {"webhooks:write", {P::kWebhooksRead, P::kWebhooksWrite}},
      {"keys:read", {P::kKeysRead}},
      {"keys:write", {P::kKeysRead, P::kKeysWrite}},
      // Everything an organization admin may do through the API, nothing platform-wide.
      {"admin",
       {P::kValidate, P::kValidationsRead, P::kPoliciesRead, P::kPoliciesWrite, P::kWebhooksRead,
        P::kWebhooksWrite, P::kKeysRead, P::kKeysWrite, P::kMembersRead, P::kMembersWrite,
        P::kOrganizationRead, P::kOrganizationWrite}},
  };
  return kRules;
}

}  // namespace

std::string_view toString(Permission p) {
  switch (p) {
    case P::kPublic:
      return "public";
    case P::kSelf:
      return "self";
    case P::kValidate:
      return "validate";
    case P::kValidationsRead:
      return "validations:read";
    case P::kPoliciesRead:
      return "policies:read";
    case P::kPoliciesWrite:
      return "policies:write";
    case P::kWebhooksRead:
      return "webhooks:read";
    case P::kWebhooksWrite:
      return "webhooks:write";
    case P::kKeysRead:
      return "keys:read";
    case P::kKeysWrite:
      return "keys:write";
    case P::kMembersRead:
      return "members:read";
    case P::kMembersWrite:
      return "members:write";
    case P::kOrganizationRead:
      return "organization:read";
    case P::kOrganizationWrite:
      return "organization:write";
    case P::kPlatformAdmin:
      return "platform:admin";
  }
  return "unknown";
}

const std::vector<std::string>& knownRoles() {
  static const std::vector<std::string> kRoles = {"viewer", "member", "admin", "owner"};
  return kRoles;
}

bool isKnownRole(std::string_view role) {
  const auto& r = knownRoles();
  return std::find(r.begin(), r.end(), role) != r.end();
}

bool roleAtLeast(std::string_view role, std::string_view other) {
  const auto& r = knownRoles();
  auto a = std::find(r.begin(), r.end(), role), b = std::find(r.begin(), r.end(), other);
  return a != r.end() && b != r.end() && a >= b;
}

const std::vector<std::string>& knownScopes() {
  static const std::vector<std::string> kScopes = [] {
    std::vector<std::string> out;
    for (const auto& rule : scopeRules()) {
      out.emplace_back(rule.scope);
    }
    return out;
  }();
  return kScopes;
}

bool isKnownScope(std::string_view scope) {
  const auto& s = knownScopes();
  return std::find(s.begin(), s.end(), scope) != s.end();
}

bool roleAllows(std::string_view role, Permission p) {
  if (p == P::kPublic || p == P::kSelf) {
    return isKnownRole(role);
  }
  if (p == P::kPlatformAdmin) {
    return false;  // a flag on the user, not a role
  }
  if (roleAtLeast(role, "viewer") && contains(kViewer, p)) {
    return true;
  }
  if (roleAtLeast(role, "member") && contains(kMemberExtra, p)) {
    return true;
  }
  return roleAtLeast(role, "admin") && contains(kAdminExtra, p);
}

bool scopesAllow(const std::vector<std::string>& scopes, Permission p) {
  if (p == P::kPublic) {
    return true;
  }
  for (const auto& rule : scopeRules()) {
    if (std::find(scopes.begin(), scopes.end(), rule.scope) == scopes.end()) {
      continue;
    }
    if (std::find(rule.grants.begin(), rule.grants.end(), p) != rule.grants.end()) {
      return true;
    }
  }
  return false;
}

bool roleMayGrantScope(std::string_view role, std::string_view scope) {
  for (const auto& rule : scopeRules()) {
    if (rule.scope != scope) {
      continue;
    }
    return std::all_of(rule.grants.begin(), rule.grants.end(),
                       [&](P p) { return roleAllows(role, p); });
  }
  return false;
}

const std::vector<RouteRule>& routeRules() {
  static const std::vector<RouteRule> kRules = {
      {"GET", "/health", P::kPublic},
      {"GET", "/ready", P::kPublic},
      {"GET", "/metrics", P::kPublic},
      {"POST", "/api/v1/auth/register", P::kPublic},
      {"POST", "/api/v1/auth/login", P::kPublic},
      {"POST", "/api/v1/auth/refresh", P::kPublic},
      {"POST", "/api/v1/auth/logout", P::kSelf},
      {"GET", "/api/v1/auth/me", P::kSelf},
      {"POST", "/api/v1/auth/password", P::kSelf},
      {"POST", "/api/v1/validate", P::kValidate},
      {"POST", "/api/v1/validate/response", P::kValidate},
      {"POST", "/api/v1/canary", P::kValidate},
      {"GET", "/api/v1/validations", P::kValidationsRead},
      {"POST", "/api/v1/policies", P::kPoliciesWrite},
      {"GET", "/api/v1/policies", P::kPoliciesRead},
      {"GET", "/api/v1/policies/{id}", P::kPoliciesRead},
      {"PUT", "/api/v1/policies/{id}", P::kPoliciesWrite},
      {"DELETE", "/api/v1/policies/{id}", P::kPoliciesWrite},
      {"GET", "/api/v1/policies/{id}/versions", P::kPoliciesRead},
      {"POST", "/api/v1/api-keys", P::kKeysWrite},
      {"GET", "/api/v1/api-keys", P::kKeysRead},
      {"GET", "/api/v1/api-keys/{id}", P::kKeysRead},
      {"PATCH", "/api/v1/api-keys/{id}", P::kKeysWrite},
      {"DELETE", "/api/v1/api-keys/{id}", P::kKeysWrite},
      {"POST", "/api/v1/api-keys/{id}/rotate", P::kKeysWrite},
      {"POST", "/api/v1/webhooks", P::kWebhooksWrite},
      {"GET", "/api/v1/webhooks", P::kWebhooksRead},
      {"GET", "/api/v1/webhooks/{id}", P::kWebhooksRead},
      {"PATCH", "/api/v1/webhooks/{id}", P::kWebhooksWrite},
      {"DELETE", "/api/v1/webhooks/{id}", P::kWebhooksWrite},
      {"POST", "/api/v1/webhooks/{id}/rotate-secret", P::kWebhooksWrite},
      {"POST", "/api/v1/webhooks/{id}/test", P::kWebhooksWrite},
      {"GET", "/api/v1/webhooks/{id}/deliveries", P::kWebhooksRead},
      {"POST", "/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry", P::kWebhooksWrite},
      {"GET", "/api/v1/admin/circuit-breakers", P::kPlatformAdmin},
      {"GET", "/api/v1/admin/cache/stats", P::kPlatformAdmin},
      {"POST", "/api/v1/admin/cache/invalidate", P::kPlatformAdmin},
      {"POST", "/api/v1/organizations", P::kPlatformAdmin},
      {"GET", "/api/v1/organizations", P::kPlatformAdmin},
      {"GET", "/api/v1/organizations/{id}", P::kOrganizationRead},
      {"PATCH", "/api/v1/organizations/{id}", P::kOrganizationWrite},
      {"GET", "/api/v1/organizations/{id}/members", P::kMembersRead},
      {"POST", "/api/v1/organizations/{id}/invitations", P::kMembersWrite},
      {"PATCH", "/api/v1/organizations/{id}/members/{user_id}", P::kMembersWrite},
      {"DELETE", "/api/v1/organizations/{id}/members/{user_id}", P::kMembersWrite},
  };
  return kRules;
}

std::optional<Permission> routePermission(std::string_view method, std::string_view pattern) {
  for (const auto& rule : routeRules()) {
    if (rule.method == method && rule.pattern == pattern) {
      return rule.permission;
    }
  }
  return std::nullopt;
}

}  // namespace aisafe::auth
