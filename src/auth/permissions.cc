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
constexpr std::array kMemberExtra = {P::kValidate, P::kProxy};
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
      // Calls a model through the proxy: its texts are validated as with `validate`, and the
      // organization's provider key is spent, so it is a scope of its own.
      {"proxy", {P::kProxy}},
      {"validations:read", {P::kValidationsRead}},
      {"policies:read", {P::kPoliciesRead}},
      {"policies:write", {P::kPoliciesRead, P::kPoliciesWrite}},
      {"webhooks:read", {P::kWebhooksRead}},
      {"webhooks:write", {P::kWebhooksRead, P::kWebhooksWrite}},
      {"keys:read", {P::kKeysRead}},
      {"keys:write", {P::kKeysRead, P::kKeysWrite}},
      // Everything an organization admin may do through the API, nothing platform-wide.
      {"admin",
       {P::kValidate, P::kProxy, P::kValidationsRead, P::kPoliciesRead, P::kPoliciesWrite,
        P::kWebhooksRead, P::kWebhooksWrite, P::kKeysRead, P::kKeysWrite, P::kMembersRead,
        P::kMembersWrite, P::kOrganizationRead, P::kOrganizationWrite}},
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
    case P::kProxy:
      return "proxy";
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

}  // namespace aisafe::auth
