// Who a credential says the caller is, once checked: a user (access token) or an API key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aisafe::auth {

struct Identity {
  enum class Kind { kUser, kApiKey };
  Kind kind = Kind::kUser;
  std::string id;       // user id or API key id
  std::string user_id;  // users: their id; keys: who created the key
  std::string organization_id;
  std::string role;                 // users
  std::vector<std::string> scopes;  // API keys
  bool is_superadmin = false;
  std::string session_id;  // users: the refresh-token family behind the access token
  // Users signed in through the organization's identity provider (OIDC): no aisafe account, no
  // session or password here; `id` is "sso:" + the provider's subject.
  bool external = false;
  std::string email;  // external users: the token's email claim, if any
  std::optional<std::int64_t> rate_limit_per_minute;  // API keys with a limit of their own
};

}  // namespace aisafe::auth
