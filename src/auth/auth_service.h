// Accounts and sessions: registration (a new organization, or joining one by invitation),
// login with throttling, refresh-token rotation with theft detection, logout, password change,
// and the check of access tokens on every request. Login answers never tell whether an email
// exists: an unknown email costs the same bcrypt as a wrong password and gets the same error.
// Thread-safe. Methods touch the database: call them off the I/O threads, except
// verifyAccessToken(), which only touches it once per session per cache TTL. registerUser,
// login and changePassword run bcrypt on the calling thread: their routes run on the server's
// credential lane, which bounds how many run at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "auth/identity.h"
#include "auth/oidc.h"
#include "storage/login_failure_repository.h"
#include "storage/refresh_token_repository.h"
#include "storage/user_repository.h"
#include "tenancy/organization_service.h"

namespace aisafe::auth {

struct AuthOptions {
  std::string secret;
  std::string issuer = "aisafe";
  std::string audience = "aisafe-api";
  std::int64_t access_ttl_s = 3600;
  std::int64_t refresh_ttl_ms = 30LL * 86'400'000;
  int bcrypt_cost = 12;
  std::int64_t max_failures_per_account = 5;
  std::int64_t max_failures_per_address = 20;
  std::int64_t failure_window_ms = 900'000;
  std::int64_t cache_ttl_ms = 1000;
};

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  std::int64_t expires_in = 0;  // seconds
};

struct Registration {
  std::string email;
  std::string password;
  std::optional<std::string> organization_name;  // a new organization...
  std::optional<std::string> invitation_token;   // ...or join one
};

class AuthService {
 public:
  AuthService(AuthOptions options, storage::UserRepository& users,
              storage::RefreshTokenRepository& tokens, storage::LoginFailureRepository& failures,
              storage::OrganizationRepository& orgs, tenancy::OrganizationService& organizations);

  Result<TokenPair> registerUser(const Registration& r);
  // kTooManyRequests (with *retry_after_s set) when the account or address is throttled;
  // kUnauthenticated "invalid_credentials" for an unknown email or a wrong password alike.
  Result<TokenPair> login(const std::string& email, const std::string& password,
                          const std::string& address, std::int64_t* retry_after_s);
  // Spends `refresh_token` for a new pair. A spent or revoked token revokes its whole family.
  Result<TokenPair> refresh(const std::string& refresh_token);
  Status logout(const std::string& session_id);
  // Checks `current`, stores the new hash and revokes every other session of the user.
  Status changePassword(const Identity& who, const std::string& current, const std::string& next);
  // The identity in a valid access token whose session is live and whose user still exists
  // (role and organization as stored now, so demotions and removals apply within the TTL).
  // With single sign-on enabled, RS256/ES256 tokens go to the provider's verifier instead, and
  // their organization must exist here.
  Result<Identity> verifyAccessToken(std::string_view token);

  // Turns on single sign-on; `sso` outlives this service.
  void enableSso(OidcVerifier* sso) { sso_ = sso; }

  // On first start with no users: creates the platform admin in the default organization.
  // Returns the generated password when `password` was empty (to print once), else "".
  Result<std::string> bootstrapAdmin(const std::string& default_organization_id,
                                     const std::string& email, const std::string& password);

 private:
  Result<TokenPair> issue(const storage::UserRow& user, const std::string& family_id,
                          const std::optional<std::string>& rotate_from);
  void forgetSession(const std::string& session_id);
  Result<Identity> verifySsoToken(std::string_view token);
  Status checkOrganizationExists(const std::string& organization_id);

  struct SessionState {
    bool active = false;
    storage::UserRow user;
    std::chrono::steady_clock::time_point checked;
  };

  AuthOptions options_;
  storage::UserRepository& users_;
  storage::RefreshTokenRepository& tokens_;
  storage::LoginFailureRepository& failures_;
  storage::OrganizationRepository& orgs_;
  tenancy::OrganizationService& organizations_;
  std::string dummy_hash_;  // verified against for unknown emails: same cost, same time

  std::mutex sessions_mu_;
  std::map<std::string, SessionState> sessions_;

  OidcVerifier* sso_ = nullptr;
  std::mutex sso_orgs_mu_;  // organizations named by SSO tokens: exists?, checked when
  std::map<std::string, std::pair<bool, std::chrono::steady_clock::time_point>> sso_orgs_;
};

}  // namespace aisafe::auth
