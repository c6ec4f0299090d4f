#include "auth/auth_service.h"

#include "auth/jwt.h"
#include "auth/password.h"
#include "core/clock.h"
#include "crypto/base64.h"
#include "crypto/random.h"
#include "crypto/random_ids.h"
#include "crypto/sha256.h"

namespace aisafe::auth {
namespace {

// Sessions remembered by verifyAccessToken; past this the cache starts over (a bound, not LRU:
// a miss costs one query).
constexpr std::size_t kMaxCachedSessions = 100'000;

Status invalidCredentials() {
  return unauthenticated("invalid_credentials", "invalid email or password");
}

std::string newRefreshToken() { return "rt_" + crypto::base64UrlEncode(crypto::randomBytes(32)); }

}  // namespace

AuthService::AuthService(AuthOptions options, storage::UserRepository& users,
                         storage::RefreshTokenRepository& tokens,
                         storage::LoginFailureRepository& failures,
                         storage::OrganizationRepository& orgs,
                         tenancy::OrganizationService& organizations)
    : options_(std::move(options)),
      users_(users),
      tokens_(tokens),
      failures_(failures),
      orgs_(orgs),
      organizations_(organizations) {
  // A hash nobody's password matches, at the configured cost, so that an unknown email takes as
  // long to refuse as a wrong password.
  auto dummy = hashPassword(crypto::base64UrlEncode(crypto::randomBytes(24)), options_.bcrypt_cost);
  if (dummy) {
    dummy_hash_ = *dummy;
  }
}

Result<TokenPair> AuthService::issue(const storage::UserRow& user, const std::string& family_id,
                                     const std::optional<std::string>& rotate_from) {
  const std::int64_t now_ms = clock::nowMs();
  storage::RefreshTokenRow row;
  const std::string refresh = newRefreshToken();
  row.id = crypto::randomId("rtk_");
  row.user_id = user.id;
  row.family_id = family_id;
  row.token_hash = crypto::sha256Hex(refresh);
  row.created_at = now_ms;
  row.expires_at = now_ms + options_.refresh_ttl_ms;
  if (rotate_from) {
    AISAFE_TRY(bool rotated, tokens_.rotate(*rotate_from, row, now_ms));
    if (!rotated) {
      // Lost a race with another use of the same token: treat it as a replay.
      AISAFE_RETURN_IF_ERROR(tokens_.revokeFamily(family_id, now_ms));
      forgetSession(family_id);
      return unauthenticated("refresh_token_reused",
                             "refresh token already used; every session of its family is revoked");
    }
  } else {
    AISAFE_RETURN_IF_ERROR(tokens_.create(row));
  }
  JwtClaims claims;
  claims.sub = user.id;
  claims.org = user.organization_id;
  claims.role = user.role;
  claims.iss = options_.issuer;
  claims.aud = options_.audience;
  claims.jti = crypto::randomId("jti_");
  claims.sid = family_id;
  claims.iat = claims.nbf = now_ms / 1000;
  claims.exp = claims.iat + options_.access_ttl_s;
  return TokenPair{signHs256(claims, options_.secret), refresh, options_.access_ttl_s};
}

Result<TokenPair> AuthService::registerUser(const Registration& r) {
  AISAFE_TRY(std::string email, tenancy::normalizeEmail(r.email));
  AISAFE_RETURN_IF_ERROR(checkPasswordRules(r.password));
  if (r.organization_name.has_value() == r.invitation_token.has_value()) {
    return invalidArgument("send exactly one of organization_name and invitation_token");
  }
  AISAFE_TRY(std::string password_hash, hashPassword(r.password, options_.bcrypt_cost));
  storage::UserRow user;
  user.id = crypto::randomId("usr_");
  user.email = email;
  user.password_hash = password_hash;
  user.created_at = user.updated_at = clock::nowMs();
  if (r.organization_name) {
    AISAFE_TRY(auto org, organizations_.create(*r.organization_name, user));
    user.organization_id = org.id;
    user.role = "owner";
  } else {
    AISAFE_TRY(auto invitation, orgs_.acceptInvitation(crypto::sha256Hex(*r.invitation_token), user,
                                                       clock::nowMs()));
    user.organization_id = invitation.organization_id;
    user.role = invitation.role;
  }
  return issue(user, crypto::randomId("ses_"), std::nullopt);
}

Result<TokenPair> AuthService::login(const std::string& email_in, const std::string& password,
                                     const std::string& address, std::int64_t* retry_after_s) {
  auto email = tenancy::normalizeEmail(email_in);
  const std::string account = "email:" + (email ? *email : email_in.substr(0, 254));
  const std::string client = "ip:" + address;
  const std::int64_t now = clock::nowMs();
  const std::int64_t since = now - options_.failure_window_ms;
  // Checked before any hashing, so a throttled attacker costs one indexed query per attempt.
  for (const auto& [subject, limit] : {std::pair{account, options_.max_failures_per_account},
                                       std::pair{client, options_.max_failures_per_address}}) {
    AISAFE_TRY(auto window, failures_.window(subject, since));
    if (window.count >= limit) {
      if (retry_after_s != nullptr) {
        *retry_after_s = std::max<std::int64_t>(
            1, (window.oldest_ms + options_.failure_window_ms - now + 999) / 1000);
      }
      return Status(StatusCode::kTooManyRequests, "too many failed logins; retry later",
                    "too_many_attempts");
    }
  }
  std::optional<storage::UserRow> user;
  if (email) {
    auto found = users_.byEmail(*email);
    if (found) {
      user = std::move(found).value();
    } else if (found.status().code() != StatusCode::kNotFound) {
      return found.status();
    }
  }
  const std::string& hash = user ? user->password_hash : dummy_hash_;
  const bool ok = verifyPassword(password, hash);
  if (!ok || !user) {
    AISAFE_RETURN_IF_ERROR(failures_.record({account, client}, now, since));
    return invalidCredentials();
  }
  AISAFE_RETURN_IF_ERROR(failures_.clear(account));
  return issue(*user, crypto::randomId("ses_"), std::nullopt);
}

Result<TokenPair> AuthService::refresh(const std::string& refresh_token) {
  auto row = tokens_.byHash(crypto::sha256Hex(refresh_token));
  if (!row) {
    if (row.status().code() == StatusCode::kNotFound) {
      return unauthenticated("invalid_refresh_token", "unknown refresh token");
    }
    return row.status();
  }
  const std::int64_t now = clock::nowMs();
  if (row->used_at || row->revoked_at) {
    // A spent token presented again: somebody else holds a copy. End the whole family.
    AISAFE_RETURN_IF_ERROR(tokens_.revokeFamily(row->family_id, now));
    forgetSession(row->family_id);
    return unauthenticated("refresh_token_reused",
                           "refresh token already used or revoked; its sessions are revoked");
  }
  if (row->expires_at <= now) {
    return unauthenticated("refresh_token_expired", "refresh token expired; log in again");
  }
  auto user = users_.byId(row->user_id);
  if (!user) {
    return unauthenticated("invalid_refresh_token", "the account no longer exists");
  }
  return issue(*user, row->family_id, row->id);
}

Status AuthService::logout(const std::string& session_id) {
  AISAFE_RETURN_IF_ERROR(tokens_.revokeFamily(session_id, clock::nowMs()));
  forgetSession(session_id);
  return Status::ok();
}

Status AuthService::changePassword(const Identity& who, const std::string& current,
                                   const std::string& next) {
  AISAFE_RETURN_IF_ERROR(checkPasswordRules(next));
  AISAFE_TRY(auto user, users_.byId(who.user_id));
  const bool ok = verifyPassword(current, user.password_hash);
  if (!ok) {
    return unauthenticated("invalid_credentials", "the current password is wrong");
  }
  AISAFE_TRY(std::string hash, hashPassword(next, options_.bcrypt_cost));
  AISAFE_RETURN_IF_ERROR(users_.setPasswordHash(user.id, hash));
  AISAFE_RETURN_IF_ERROR(tokens_.revokeUserSessions(user.id, who.session_id, clock::nowMs()));
  std::lock_guard lock(sessions_mu_);
  sessions_.clear();  // other sessions of the user must fail at once on this replica
  return Status::ok();
}

void AuthService::forgetSession(const std::string& session_id) {
  std::lock_guard lock(sessions_mu_);
  sessions_.erase(session_id);
}

Status AuthService::checkOrganizationExists(const std::string& organization_id) {
  const auto now = std::chrono::steady_clock::now();
  const auto ttl = std::chrono::milliseconds(options_.cache_ttl_ms);
  {
    std::lock_guard lock(sso_orgs_mu_);
    if (auto it = sso_orgs_.find(organization_id);
        it != sso_orgs_.end() && now - it->second.second < ttl) {
      return it->second.first ? Status::ok()
                              : unauthenticated("unknown_organization",
                                                "the SSO token's organization does not exist here");
    }
  }
  auto org = orgs_.get(organization_id);
  if (!org && org.status().code() != StatusCode::kNotFound) {
    return org.status();
  }
  std::lock_guard lock(sso_orgs_mu_);
  if (sso_orgs_.size() >= kMaxCachedSessions) {
    sso_orgs_.clear();
  }
  sso_orgs_[organization_id] = {org.isOk(), now};
  return org.isOk() ? Status::ok()
                    : unauthenticated("unknown_organization",
                                      "the SSO token's organization does not exist here");
}

Result<Identity> AuthService::verifySsoToken(std::string_view token) {
  AISAFE_TRY(OidcIdentity sso, sso_->verify(token, clock::nowMs() / 1000));
  AISAFE_RETURN_IF_ERROR(checkOrganizationExists(sso.organization_id));
  Identity id;
  id.kind = Identity::Kind::kUser;
  id.id = id.user_id = "sso:" + sso.subject;
  id.organization_id = sso.organization_id;
  id.role = sso.role;
  id.external = true;
  id.email = sso.email;
  return id;
}

Result<Identity> AuthService::verifyAccessToken(std::string_view token) {
  if (sso_ != nullptr && peekAlgorithm(token) != "HS256") {
    return verifySsoToken(token);
  }
  JwtVerifyOptions verify{options_.issuer, options_.audience, clock::nowMs() / 1000, 30};
  auto claims = verifyHs256(token, options_.secret, verify);
  if (!claims) {
    const bool expired = claims.status().message() == "token expired";
    return unauthenticated(expired ? "token_expired" : "invalid_token",
                           "access token refused: " + claims.status().message());
  }
  if (claims->sid.empty()) {
    return unauthenticated("invalid_token", "access token has no session");
  }

  const auto now = clock::coarseSteadyNow();  // on every request; a TTL needs no precision
  const auto ttl = std::chrono::milliseconds(options_.cache_ttl_ms);
  SessionState state;
  bool cached = false;
  {
    std::lock_guard lock(sessions_mu_);
    if (auto it = sessions_.find(claims->sid);
        it != sessions_.end() && now - it->second.checked < ttl) {
      state = it->second;
      cached = true;
    }
  }
  if (!cached) {
    AISAFE_TRY(bool active, tokens_.familyActive(claims->sid, clock::nowMs()));
    state.active = active;
    state.checked = now;
    if (active) {
      auto user = users_.byId(claims->sub);
      if (!user && user.status().code() != StatusCode::kNotFound) {
        return user.status();
      }
      state.active = user.isOk();
      if (user) {
        state.user = std::move(user).value();
      }
    }
    std::lock_guard lock(sessions_mu_);
    if (sessions_.size() >= kMaxCachedSessions) {
      sessions_.clear();
    }
    sessions_[claims->sid] = state;
  }
  if (!state.active || state.user.id != claims->sub) {
    return unauthenticated("session_revoked", "the session has ended; log in again");
  }
  Identity id;
  id.kind = Identity::Kind::kUser;
  id.id = id.user_id = state.user.id;
  id.organization_id = state.user.organization_id;
  id.role = state.user.role;
  id.is_superadmin = state.user.is_superadmin;
  id.session_id = claims->sid;
  return id;
}

Result<std::string> AuthService::bootstrapAdmin(const std::string& default_organization_id,
                                                const std::string& email_in,
                                                const std::string& password_in) {
  AISAFE_TRY(std::int64_t users, users_.countUpTo(1));
  if (users > 0) {
    return std::string();
  }
  AISAFE_TRY(std::string email, tenancy::normalizeEmail(email_in));
  std::string password = password_in;
  std::string generated;
  if (password.empty()) {
    generated = password = crypto::base64UrlEncode(crypto::randomBytes(18));
  }
  AISAFE_RETURN_IF_ERROR(checkPasswordRules(password));
  AISAFE_TRY(std::string hash, hashPassword(password, options_.bcrypt_cost));
  storage::UserRow admin;
  admin.id = crypto::randomId("usr_");
  admin.organization_id = default_organization_id;
  admin.email = email;
  admin.password_hash = hash;
  admin.role = "owner";
  admin.is_superadmin = true;
  admin.created_at = admin.updated_at = clock::nowMs();
  auto st = users_.create(admin);
  // Another replica starting at the same moment may have created it first.
  if (!st.isOk() && st.code() != StatusCode::kConflict) {
    return st;
  }
  return generated;
}

}  // namespace aisafe::auth
