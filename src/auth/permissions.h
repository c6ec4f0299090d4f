// Role-based access: what each role and each API-key scope may do, and which permission every
// route needs. This is the one table of the permission matrix (docs/rbac.md explains it); the
// authorization middleware in src/app enforces it, and a test walks every route and role.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aisafe::auth {

enum class Permission {
  kPublic,             // no credentials needed (health, login, register)
  kSelf,               // any signed-in user acting on their own account (me, logout, password)
  kValidate,           // POST validate and validate/response
  kValidationsRead,    // the audit trail
  kPoliciesRead,       //
  kPoliciesWrite,      //
  kWebhooksRead,       //
  kWebhooksWrite,      //
  kKeysRead,           // list and read API keys (never their secrets)
  kKeysWrite,          // create, change, rotate and revoke API keys
  kMembersRead,        // the organization's members
  kMembersWrite,       // invite, change role, remove
  kOrganizationRead,   // the organization's name and settings
  kOrganizationWrite,  //
  kPlatformAdmin,      // superadmin only: create and list organizations, cache and breakers
};

std::string_view toString(Permission p);

// Roles within an organization, weakest first.
const std::vector<std::string>& knownRoles();
bool isKnownRole(std::string_view role);
// Is `role` at least as strong as `other`? (owner > admin > member > viewer)
bool roleAtLeast(std::string_view role, std::string_view other);

// API key scopes.
const std::vector<std::string>& knownScopes();
bool isKnownScope(std::string_view scope);

bool roleAllows(std::string_view role, Permission p);
bool scopesAllow(const std::vector<std::string>& scopes, Permission p);
// May a user with `role` give a key `scope`? (nobody hands out more than they hold)
bool roleMayGrantScope(std::string_view role, std::string_view scope);

// The permission a route needs; nullopt for a route missing from the table (the middleware
// refuses it, and the route-matrix test fails, so a new route cannot ship without a rule).
std::optional<Permission> routePermission(std::string_view method, std::string_view pattern);

struct RouteRule {
  std::string_view method;
  std::string_view pattern;
  Permission permission;
};
const std::vector<RouteRule>& routeRules();

}  // namespace aisafe::auth
