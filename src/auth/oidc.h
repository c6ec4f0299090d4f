// Single sign-on: access tokens issued by the organization's OpenID Connect provider (Okta,
// Entra ID, Keycloak, Auth0, ...), verified with the provider's published keys (its JWKS) and
// mapped to an aisafe organization and role through configured claims.
//
// The JWKS is fetched through an injected function (the app passes an HTTPS GET), kept for
// `jwks_ttl`, and fetched again early when a token names a key we do not hold: that is how
// providers rotate keys. Refetches are single-flight and at most one per `min_refresh_interval`,
// so tokens with made-up key ids cannot turn aisafe into a load generator against the provider;
// when a refresh fails the keys already held keep working (a provider outage must not log
// everyone out).
//
// Thread-safe: verify() is called from any request thread. A fetch blocks the requests that need
// it for up to the fetch timeout (OIDC_JWKS_TIMEOUT_MS), at most once per cooldown.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "auth/jwk.h"
#include "core/status.h"

namespace aisafe::auth {

struct OidcOptions {
  std::string issuer;    // OIDC_ISSUER: the exact "iss" of the provider's tokens
  std::string audience;  // OIDC_AUDIENCE: "aud" must contain it (the client id, usually)
  // Dotted paths into the claims ("realm_access.roles" reaches Keycloak's nested roles).
  std::string organization_claim = "org_id";  // its value is an aisafe organization id
  std::string role_claim = "roles";           // a string or an array of strings
  // Provider value -> aisafe role ("aisafe-admins" -> "admin"). Empty: claim values must be role
  // names themselves. Unmapped values are ignored.
  std::map<std::string, std::string> role_map;
  std::string default_role;  // when no claim value maps to a role; empty: the token is refused
  std::chrono::seconds jwks_ttl{3600};
  std::chrono::seconds min_refresh_interval{30};
  std::int64_t leeway_s = 60;
};

// Who an SSO token says the caller is. Never a platform superadmin: that stays an aisafe account.
struct OidcIdentity {
  std::string subject;  // the provider's "sub"
  std::string email;    // the "email" claim when present
  std::string organization_id;
  std::string role;
};

// Returns the JWKS document, or an error. Called with no lock held.
using JwksFetcher = std::function<Result<std::string>()>;

// Parses "value=role,value=role" (OIDC_ROLE_MAP); kInvalidArgument names the bad entry.
Result<std::map<std::string, std::string>> parseRoleMap(std::string_view text);

class OidcVerifier {
 public:
  using Clock = std::chrono::steady_clock;

  OidcVerifier(OidcOptions options, JwksFetcher fetch);

  // Fetches the keys now (at start-up, so the first request does not wait). An error is worth
  // logging, not fatal: verify() tries again.
  Status refresh();

  // Errors: kUnauthenticated with reason "invalid_token" (any signature or claim problem, the
  // message says which) or "unknown_key"; kUnavailable "identity_provider_unavailable" when no
  // key was ever fetched.
  Result<OidcIdentity> verify(std::string_view token, std::int64_t now_s);

  const OidcOptions& options() const { return options_; }

 private:
  Result<PublicKey> keyFor(std::string_view kid);
  // Fetches again unless another thread just did or the last attempt was too recent. Returns
  // whether the held key set changed.
  bool refreshIfAllowed(Clock::time_point now);
  Result<std::string> mapRole(const boost::json::object& claims) const;

  OidcOptions options_;
  JwksFetcher fetch_;

  std::mutex fetch_mu_;  // one fetch at a time
  mutable std::shared_mutex keys_mu_;
  std::vector<PublicKey> keys_;
  Clock::time_point fetched_at_{};    // last successful fetch
  Clock::time_point last_attempt_{};  // last fetch, successful or not
  bool ever_fetched_ = false;
};

}  // namespace aisafe::auth
