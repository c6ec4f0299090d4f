// Per-request state that travels through the middleware chain to the handler: who is calling,
// for which organization, and what the request turned into (route, decision) for metrics and
// logs. Created by the server for each request; owned by one coroutine, never shared.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace aisafe::http {

// The organization every request belongs to until identity and tenancy (API keys, JWT) set it.
constexpr const char* kDefaultOrganizationId = "default";

struct Principal {
  enum class Kind { kAnonymous, kUser, kApiKey };
  Kind kind = Kind::kAnonymous;
  std::string id;                   // user id or API key id
  std::string role;                 // owner, admin, member, viewer...
  std::vector<std::string> scopes;  // API key scopes
};

struct RequestContext {
  std::string request_id;
  std::string organization_id = kDefaultOrganizationId;
  Principal principal;
  std::string remote_address;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::string route;                               // matched pattern, e.g. "/api/v1/policies/{id}"
  std::map<std::string, std::string> path_params;  // from the pattern's {names}
  std::string decision;                            // set by validation handlers
};

}  // namespace aisafe::http
