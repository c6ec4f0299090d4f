#include "tenancy/organization_service.h"

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>

#include "auth/permissions.h"
#include "core/clock.h"
#include "crypto/base64.h"
#include "crypto/random.h"
#include "crypto/random_ids.h"
#include "crypto/sha256.h"

namespace aisafe::tenancy {
namespace json = boost::json;

namespace {

Result<std::optional<std::int64_t>> positiveInt(const json::value& v, const char* field) {
  if (v.is_null()) {
    return std::optional<std::int64_t>{};
  }
  if (v.is_int64() && v.get_int64() > 0) {
    return std::optional<std::int64_t>{v.get_int64()};
  }
  if (v.is_uint64() && v.get_uint64() > 0 && v.get_uint64() < (1ULL << 62)) {
    return std::optional<std::int64_t>{static_cast<std::int64_t>(v.get_uint64())};
  }
  return unprocessable(std::string("settings.") + field + ": expected a positive integer or null");
}

Result<std::string> validName(const json::value& v) {
  if (!v.is_string()) {
    return unprocessable("name: expected a string");
  }
  std::string name(v.get_string());
  if (name.empty() || name.size() > 200) {
    return unprocessable("name: 1 to 200 characters");
  }
  return name;
}

}  // namespace

Result<std::string> normalizeEmail(std::string_view email) {
  std::string out;
  for (char c : email) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return invalidArgument("email: not a valid address");
    }
    out.push_back(static_cast<char>(std::tolower(u)));
  }
  const auto at = out.find('@');
  if (out.size() > 254 || at == std::string::npos || at == 0 || at + 1 == out.size() ||
      out.find('@', at + 1) != std::string::npos) {
    return invalidArgument("email: not a valid address");
  }
  return out;
}

Result<OrganizationSettings> parseSettings(const json::value& v) {
  if (!v.is_object()) {
    return unprocessable("settings: expected an object");
  }
  OrganizationSettings s;
  for (const auto& [key, value] : v.get_object()) {
    if (key == "default_policy_id") {
      if (!value.is_string() && !value.is_null()) {
        return unprocessable("settings.default_policy_id: expected a string");
      }
      if (value.is_string()) {
        s.default_policy_id = std::string(value.get_string());
      }
    } else if (key == "rate_limit_per_minute") {
      AISAFE_TRY(s.rate_limit_per_minute, positiveInt(value, "rate_limit_per_minute"));
    } else if (key == "characters_per_minute") {
      AISAFE_TRY(s.characters_per_minute, positiveInt(value, "characters_per_minute"));
    } else if (key == "audit_retention_days") {
      AISAFE_TRY(s.audit_retention_days, positiveInt(value, "audit_retention_days"));
    } else if (key == "log_raw_text") {
      if (!value.is_bool() && !value.is_null()) {
        return unprocessable("settings.log_raw_text: expected true or false");
      }
      if (value.is_bool()) {
        s.log_raw_text = value.get_bool();
      }
    } else {
      return unprocessable("settings." + std::string(key) + ": unknown setting");
    }
  }
  return s;
}

json::object toJson(const OrganizationSettings& s) {
  json::object o;
  if (s.default_policy_id) {
    o["default_policy_id"] = *s.default_policy_id;
  }
  if (s.rate_limit_per_minute) {
    o["rate_limit_per_minute"] = *s.rate_limit_per_minute;
  }
  if (s.characters_per_minute) {
    o["characters_per_minute"] = *s.characters_per_minute;
  }
  if (s.audit_retention_days) {
    o["audit_retention_days"] = *s.audit_retention_days;
  }
  if (s.log_raw_text) {
    o["log_raw_text"] = *s.log_raw_text;
  }
  return o;
}

json::object toJson(const storage::OrganizationRow& org) {
  json::object o;
  o["id"] = org.id;
  o["name"] = org.name;
  boost::system::error_code ec;
  json::value settings = json::parse(org.settings, ec);
  o["settings"] = ec || !settings.is_object() ? json::value(json::object{}) : settings;
  o["created_at"] = clock::toRfc3339(org.created_at);
  o["updated_at"] = clock::toRfc3339(org.updated_at);
  return o;
}

json::object memberJson(const storage::UserRow& u) {
  json::object o;
  o["id"] = u.id;
  o["email"] = u.email;
  o["role"] = u.role;
  o["organization_id"] = u.organization_id;
  o["is_superadmin"] = u.is_superadmin;
  o["created_at"] = clock::toRfc3339(u.created_at);
  return o;
}

Result<storage::OrganizationRow> OrganizationService::create(
    const std::string& name, const std::optional<storage::UserRow>& owner) {
  AISAFE_TRY(std::string checked, validName(json::value(name)));
  storage::OrganizationRow org;
  org.id = crypto::randomId("org_");
  org.name = checked;
  org.settings = "{}";
  org.created_at = org.updated_at = clock::nowMs();
  std::optional<storage::UserRow> first = owner;
  if (first) {
    first->organization_id = org.id;
    first->role = "owner";
  }
  // Its default policy is compiled at its first validation, on whichever replica that is.
  AISAFE_RETURN_IF_ERROR(
      orgs_.create(org, policy::PolicyService::newDefaultPolicyRow(org.id), first));
  return org;
}

Result<storage::OrganizationRow> OrganizationService::get(const std::string& id) {
  return orgs_.get(id);
}

Result<std::vector<storage::OrganizationRow>> OrganizationService::list() { return orgs_.list(); }

Result<storage::OrganizationRow> OrganizationService::update(const std::string& id,
                                                             const json::object& patch) {
  AISAFE_TRY(auto org, orgs_.get(id));
  for (const auto& [key, value] : patch) {
    if (key != "name" && key != "settings") {
      return unprocessable(std::string(key) + ": unknown field");
    }
  }
  if (const auto* n = patch.if_contains("name")) {
    AISAFE_TRY(org.name, validName(*n));
  }
  if (const auto* s = patch.if_contains("settings")) {
    if (!s->is_object()) {
      return unprocessable("settings: expected an object");
    }
    boost::system::error_code ec;
    json::value stored = json::parse(org.settings, ec);
    json::object merged = ec || !stored.is_object() ? json::object{} : stored.get_object();
    for (const auto& [key, value] : s->get_object()) {
      merged[key] = value;
    }
    AISAFE_TRY(OrganizationSettings parsed, parseSettings(merged));
    if (parsed.default_policy_id) {
      if (auto st = policies_.setDefault(id, *parsed.default_policy_id); !st.isOk()) {
        if (st.code() == StatusCode::kNotFound) {
          return unprocessable("settings.default_policy_id: no such policy");
        }
        return st;
      }
    }
    org.settings = json::serialize(toJson(parsed));
  }
  org.updated_at = clock::nowMs();
  AISAFE_RETURN_IF_ERROR(orgs_.update(org));
  forgetSettings(id);
  return org;
}

Result<OrganizationSettings> OrganizationService::cachedSettings(const std::string& id) {
  const auto now = clock::coarseSteadyNow();  // on every request; a TTL needs no precision
  {
    std::lock_guard lock(settings_mu_);
    if (auto it = settings_cache_.find(id);
        it != settings_cache_.end() && now - it->second.fetched < settings_ttl_) {
      return it->second.settings;
    }
  }
  auto org = get(id);
  if (!org) {
    // Database away: keep answering from what we had (or report the error) for another TTL,
    // so the request path does not try the database on every request until it is back.
    std::lock_guard lock(settings_mu_);
    auto it = settings_cache_.find(id);
    if (it == settings_cache_.end()) {
      settings_cache_[id] = CachedSettings{OrganizationSettings{}, now};  // defaults, for a TTL
      return org.status();
    }
    it->second.fetched = now;
    return it->second.settings;
  }
  boost::system::error_code ec;
  json::value stored = json::parse(org->settings, ec);
  OrganizationSettings settings;
  if (!ec) {
    // Stored settings were validated on the way in; unreadable ones count as none.
    if (auto parsed = parseSettings(stored)) {
      settings = *parsed;
    }
  }
  std::lock_guard lock(settings_mu_);
  settings_cache_[id] = CachedSettings{settings, now};
  return settings;
}

Result<std::vector<storage::UserRow>> OrganizationService::members(
    const std::string& organization_id) {
  return users_.listByOrganization(organization_id);
}

Result<CreatedInvitation> OrganizationService::invite(const std::string& organization_id,
                                                      const std::string& email,
                                                      const std::string& role,
                                                      const std::string& invited_by,
                                                      std::int64_t valid_for_ms) {
  AISAFE_TRY(std::string normalized, normalizeEmail(email));
  if (!auth::isKnownRole(role)) {
    return unprocessable("role: expected one of viewer, member, admin, owner");
  }
  CreatedInvitation out;
  out.token = "inv_" + crypto::base64UrlEncode(crypto::randomBytes(32));
  out.row.id = crypto::randomId("inv_");
  out.row.organization_id = organization_id;
  out.row.email = normalized;
  out.row.role = role;
  out.row.token_hash = crypto::sha256Hex(out.token);
  out.row.created_by = invited_by;
  out.row.created_at = clock::nowMs();
  out.row.expires_at = out.row.created_at + valid_for_ms;
  AISAFE_RETURN_IF_ERROR(orgs_.createInvitation(out.row));
  return out;
}

Status OrganizationService::changeRole(const std::string& organization_id,
                                       const std::string& actor_role, const std::string& user_id,
                                       const std::string& role) {
  if (!auth::isKnownRole(role)) {
    return unprocessable("role: expected one of viewer, member, admin, owner");
  }
  AISAFE_TRY(auto target, users_.byId(user_id));
  if (target.organization_id != organization_id) {
    return notFound("member not found");
  }
  if ((role == "owner" || target.role == "owner") && actor_role != "owner") {
    return permissionDenied("owner_required", "only an owner can make or unmake owners");
  }
  return users_.updateRole(organization_id, user_id, role);
}

Status OrganizationService::removeMember(const std::string& organization_id,
                                         const std::string& actor_role,
                                         const std::string& user_id) {
  AISAFE_TRY(auto target, users_.byId(user_id));
  if (target.organization_id != organization_id) {
    return notFound("member not found");
  }
  if (target.role == "owner" && actor_role != "owner") {
    return permissionDenied("owner_required", "only an owner can remove an owner");
  }
  return users_.remove(organization_id, user_id);
}

}  // namespace aisafe::tenancy
