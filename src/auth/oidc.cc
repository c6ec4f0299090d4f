#include "auth/oidc.h"

#include <boost/json.hpp>

#include "auth/jwt.h"
#include "auth/permissions.h"

namespace aisafe::auth {
namespace {

namespace json = boost::json;

Status invalidToken(std::string message) {
  return unauthenticated("invalid_token", "SSO token refused: " + std::move(message));
}

// The value at a dotted path ("realm_access.roles"), or nullptr.
const json::value* claimAt(const json::object& claims, std::string_view path) {
  const json::object* object = &claims;
  for (;;) {
    const auto dot = path.find('.');
    const json::value* v = object->if_contains(path.substr(0, dot));
    if (dot == std::string_view::npos || v == nullptr) {
      return v;
    }
    if (!v->is_object()) {
      return nullptr;
    }
    object = &v->get_object();
    path.remove_prefix(dot + 1);
  }
}

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == ' ') {
    s.remove_suffix(1);
  }
  return std::string(s);
}

}  // namespace

Result<std::map<std::string, std::string>> parseRoleMap(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view entry = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (trim(entry).empty()) {
      continue;
    }
    const auto eq = entry.find('=');
    const std::string value = trim(entry.substr(0, eq));
    const std::string role = eq == std::string_view::npos ? "" : trim(entry.substr(eq + 1));
    if (value.empty() || !isKnownRole(role)) {
      return invalidArgument("OIDC_ROLE_MAP entry '" + std::string(entry) +
                             "' is not provider_value=owner|admin|member|viewer");
    }
    out[value] = role;
  }
  return out;
}

OidcVerifier::OidcVerifier(OidcOptions options, JwksFetcher fetch)
    : options_(std::move(options)), fetch_(std::move(fetch)) {}

Status OidcVerifier::refresh() {
  std::lock_guard fetching(fetch_mu_);
  const auto now = Clock::now();
  {
    std::unique_lock lock(keys_mu_);
    last_attempt_ = now;
  }
  auto body = fetch_();
  if (!body) {
    return body.status();
  }
  auto keys = parseJwks(*body);
  if (!keys) {
    return keys.status();
  }
  std::unique_lock lock(keys_mu_);
  keys_ = std::move(*keys);
  fetched_at_ = now;
  ever_fetched_ = true;
  return Status::ok();
}

bool OidcVerifier::refreshIfAllowed(Clock::time_point now) {
  Clock::time_point seen_fetch;
  {
    std::shared_lock lock(keys_mu_);
    // Also while nothing was ever fetched: a provider that is down must not cost every SSO
    // request a fetch timeout.
    if (now - last_attempt_ < options_.min_refresh_interval) {
      return false;
    }
    seen_fetch = fetched_at_;
  }
  std::unique_lock fetching(fetch_mu_, std::try_to_lock);
  if (!fetching.owns_lock()) {
    // Someone else is fetching: wait for them instead of fetching again.
    std::lock_guard wait(fetch_mu_);
    std::shared_lock lock(keys_mu_);
    return fetched_at_ != seen_fetch;
  }
  fetching.unlock();
  return refresh().isOk();
}

Result<PublicKey> OidcVerifier::keyFor(std::string_view kid) {
  const auto find = [&](bool* stale) -> std::optional<PublicKey> {
    std::shared_lock lock(keys_mu_);
    *stale = !ever_fetched_ || Clock::now() - fetched_at_ >= options_.jwks_ttl;
    if (kid.empty()) {
      // Without a kid only a one-key set is unambiguous.
      if (keys_.size() == 1) {
        return keys_.front();
      }
      return std::nullopt;
    }
    for (const auto& k : keys_) {
      if (k.kid == kid) {
        return k;
      }
    }
    return std::nullopt;
  };
  bool stale = false;
  auto key = find(&stale);
  if (key && !stale) {
    return *key;
  }
  // Stale or unknown: try to refresh; a stale key still serves when the provider is down.
  refreshIfAllowed(Clock::now());
  key = find(&stale);
  if (key) {
    return *key;
  }
  {
    std::shared_lock lock(keys_mu_);
    if (!ever_fetched_) {
      return Status(StatusCode::kUnavailable,
                    "the identity provider's signing keys could not be fetched; retry",
                    "identity_provider_unavailable");
    }
  }
  return unauthenticated("unknown_key", kid.empty()
                                            ? "SSO token names no key (kid) and the provider "
                                              "publishes several"
                                            : "SSO token signed with an unknown key");
}

Result<std::string> OidcVerifier::mapRole(const json::object& claims) const {
  std::vector<std::string_view> values;
  if (const json::value* v = claimAt(claims, options_.role_claim)) {
    if (v->is_string()) {
      values.emplace_back(v->get_string());
    } else if (v->is_array()) {
      for (const auto& e : v->get_array()) {
        if (e.is_string()) {
          values.emplace_back(e.get_string());
        }
      }
    }
  }
  // The strongest role any value grants: a user in both "viewers" and "admins" is an admin.
  std::string best;
  for (std::string_view value : values) {
    std::string role;
    if (options_.role_map.empty()) {
      if (isKnownRole(value)) {
        role = std::string(value);
      }
    } else if (auto it = options_.role_map.find(std::string(value));
               it != options_.role_map.end()) {
      role = it->second;
    }
    if (!role.empty() && (best.empty() || !roleAtLeast(best, role))) {
      best = role;
    }
  }
  if (best.empty()) {
    best = options_.default_role;
  }
  if (best.empty()) {
    return invalidToken("no aisafe role in claim '" + options_.role_claim + "'");
  }
  return best;
}

Result<OidcIdentity> OidcVerifier::verify(std::string_view token, std::int64_t now_s) {
  JwtVerifyOptions verify_options{options_.issuer, options_.audience, now_s, options_.leeway_s};
  Status lookup_error = Status::ok();
  auto verified = verifyExternal(
      token,
      [&](std::string_view kid) -> Result<PublicKey> {
        auto key = keyFor(kid);
        if (!key) {
          lookup_error = key.status();
        }
        return key;
      },
      verify_options);
  if (!verified) {
    if (!lookup_error.isOk()) {
      return lookup_error;
    }
    if (verified.status().code() == StatusCode::kInternal) {
      return verified.status();
    }
    const bool expired = verified.status().message() == "token expired";
    return unauthenticated(expired ? "token_expired" : "invalid_token",
                           "SSO token refused: " + verified.status().message());
  }
  OidcIdentity id;
  id.subject = verified->claims.sub;
  const json::value* org = claimAt(verified->all_claims, options_.organization_claim);
  if (org == nullptr || !org->is_string() || org->get_string().empty()) {
    return invalidToken("no organization in claim '" + options_.organization_claim + "'");
  }
  id.organization_id = std::string(org->get_string());
  AISAFE_TRY(id.role, mapRole(verified->all_claims));
  if (const json::value* email = verified->all_claims.if_contains("email");
      email != nullptr && email->is_string()) {
    id.email = std::string(email->get_string());
  }
  return id;
}

}  // namespace aisafe::auth
