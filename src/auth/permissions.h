// Role-based access: what each role and each API-key scope may do. Which permission each route
// needs is in its spec (api/route_spec.h); docs/rbac.md explains the matrix, the authorization
// middleware in src/app enforces it, and a test walks every route and role.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace aisafe::auth {

enum class Permission {
  kPublic,             // no credentials needed (health, login, register)
  kSelf,               // any signed-in user acting on their own account (me, logout, password)
  kValidate,           // POST validate and validate/response
  kProxy,              // the model proxy: /v1/chat/completions, /v1/models (issue 23)
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

}  // namespace aisafe::auth
