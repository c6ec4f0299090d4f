#include "auth/api_key_service.h"

#include <algorithm>

#include <boost/json.hpp>

#include "auth/api_key_format.h"
#include "auth/permissions.h"
#include "core/clock.h"
#include "crypto/random_ids.h"

namespace aisafe::auth {
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxCachedKeys = 100'000;

Result<std::vector<std::string>> parseScopes(const json::value& v) {
  if (!v.is_array() || v.get_array().empty()) {
    return unprocessable("scopes: expected a non-empty array of scope names");
  }
  std::vector<std::string> out;
  for (const auto& s : v.get_array()) {
    if (!s.is_string() || !isKnownScope(s.get_string())) {
      std::string known;
      for (const auto& k : knownScopes()) {
        known += (known.empty() ? "" : ", ") + k;
      }
      return unprocessable("scopes: unknown scope; known scopes are " + known);
    }
    std::string name(s.get_string());
    if (std::find(out.begin(), out.end(), name) == out.end()) {
      out.push_back(std::move(name));
    }
  }
  return out;
}

std::vector<std::string> scopesFromJson(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) {
    return out;
  }
  for (const auto& s : v.get_array()) {
    if (s.is_string()) {
      out.emplace_back(s.get_string());
    }
  }
  return out;
}

std::string scopesToJson(const std::vector<std::string>& scopes) {
  json::array a;
  for (const auto& s : scopes) {
    a.emplace_back(s);
  }
  return json::serialize(a);
}

json::value optionalTime(const std::optional<std::int64_t>& ms) {
  if (!ms) {
    return nullptr;
  }
  return json::value(clock::toRfc3339(*ms));
}

Status checkGrant(const Identity& actor, const std::vector<std::string>& scopes) {
  if (actor.is_superadmin) {
    return Status::ok();
  }
  for (const auto& scope : scopes) {
    const bool allowed =
        actor.kind == Identity::Kind::kUser
            ? roleMayGrantScope(actor.role, scope)
            : std::find(actor.scopes.begin(), actor.scopes.end(), scope) != actor.scopes.end() ||
                  std::find(actor.scopes.begin(), actor.scopes.end(), "admin") !=
                      actor.scopes.end();
    if (!allowed) {
      return permissionDenied("scope_not_grantable",
                              "you cannot grant the scope \"" + scope + "\": it exceeds your own");
    }
  }
  return Status::ok();
}

}  // namespace

Result<ApiKeyFields> parseApiKeyFields(const json::object& body, bool creating) {
  ApiKeyFields f;
  for (const auto& [key, value] : body) {
    if (key == "name") {
      if (!value.is_string() || value.get_string().empty() || value.get_string().size() > 200) {
        return unprocessable("name: expected a string of 1 to 200 characters");
      }
      f.name = std::string(value.get_string());
    } else if (key == "scopes") {
      AISAFE_TRY(f.scopes, parseScopes(value));
    } else if (key == "expires_at") {
      if (value.is_null()) {
        f.expires_at = std::optional<std::int64_t>{};
      } else if (value.is_string()) {
        std::int64_t ms = 0;
        if (!clock::parseRfc3339(std::string(value.get_string()), ms)) {
          return unprocessable("expires_at: expected an RFC 3339 time or null");
        }
        if (ms <= clock::nowMs()) {
          return unprocessable("expires_at: must be in the future");
        }
        f.expires_at = std::optional<std::int64_t>{ms};
      } else {
        return unprocessable("expires_at: expected an RFC 3339 time or null");
      }
    } else if (key == "rate_limit_per_minute") {
      if (value.is_null()) {
        f.rate_limit_per_minute = std::optional<int>{};
      } else if (value.is_int64() && value.get_int64() > 0 && value.get_int64() <= 10'000'000) {
        f.rate_limit_per_minute = std::optional<int>{static_cast<int>(value.get_int64())};
      } else {
        return unprocessable("rate_limit_per_minute: expected an integer from 1 to 10000000");
      }
    } else {
      return unprocessable(std::string(key) + ": unknown field");
    }
  }
  if (creating && !f.name) {
    return unprocessable("name: required");
  }
  if (creating && !f.scopes) {
    return unprocessable("scopes: required");
  }
  return f;
}

json::object toJson(const storage::ApiKeyRow& row) {
  json::object o;
  o["id"] = row.id;
  o["name"] = row.name;
  o["prefix"] = row.prefix;
  json::array scopes;
  for (const auto& s : scopesFromJson(row.scopes)) {
    scopes.emplace_back(s);
  }
  o["scopes"] = std::move(scopes);
  o["rate_limit_per_minute"] =
      row.rate_limit_per_minute ? json::value(*row.rate_limit_per_minute) : json::value(nullptr);
  o["expires_at"] = optionalTime(row.expires_at);
  o["created_by"] = row.created_by;
  o["created_at"] = clock::toRfc3339(row.created_at);
  o["last_used_at"] = optionalTime(row.last_used_at);
  o["request_count"] = row.request_count;
  o["revoked_at"] = optionalTime(row.revoked_at);
  o["previous_key_expires_at"] = optionalTime(row.previous_expires_at);
  return o;
}

Result<CreatedApiKey> ApiKeyService::create(const Identity& creator, const ApiKeyFields& fields) {
  if (!fields.name || !fields.scopes) {
    return unprocessable("name and scopes are required");
  }
  AISAFE_RETURN_IF_ERROR(checkGrant(creator, *fields.scopes));
  NewApiKey key = generateApiKey();
  CreatedApiKey out;
  out.key = key.key;
  auto& row = out.row;
  row.id = crypto::randomId("key_");
  row.organization_id = creator.organization_id;
  row.name = *fields.name;
  row.prefix = key.prefix;
  row.key_hash = key.hash;
  row.scopes = scopesToJson(*fields.scopes);
  if (fields.rate_limit_per_minute) {
    row.rate_limit_per_minute = *fields.rate_limit_per_minute;
  }
  if (fields.expires_at) {
    row.expires_at = *fields.expires_at;
  }
  row.created_by = creator.user_id.empty() ? creator.id : creator.user_id;
  row.created_at = row.updated_at = clock::nowMs();
  AISAFE_RETURN_IF_ERROR(repo_.create(row));
  return out;
}

Result<std::vector<storage::ApiKeyRow>> ApiKeyService::list(const std::string& organization_id) {
  return repo_.list(organization_id);
}

Result<storage::ApiKeyRow> ApiKeyService::get(const std::string& organization_id,
                                              const std::string& id) {
  return repo_.get(organization_id, id);
}

Result<storage::ApiKeyRow> ApiKeyService::update(const Identity& actor, const std::string& id,
                                                 const ApiKeyFields& fields) {
  AISAFE_TRY(auto row, repo_.get(actor.organization_id, id));
  if (fields.name) {
    row.name = *fields.name;
  }
  if (fields.scopes) {
    AISAFE_RETURN_IF_ERROR(checkGrant(actor, *fields.scopes));
    row.scopes = scopesToJson(*fields.scopes);
  }
  if (fields.expires_at) {
    row.expires_at = *fields.expires_at;
  }
  if (fields.rate_limit_per_minute) {
    row.rate_limit_per_minute = *fields.rate_limit_per_minute;
  }
  row.updated_at = clock::nowMs();
  AISAFE_RETURN_IF_ERROR(repo_.update(row));
  changed(id);
  return row;
}

Status ApiKeyService::revoke(const std::string& organization_id, const std::string& id) {
  AISAFE_RETURN_IF_ERROR(repo_.revoke(organization_id, id, clock::nowMs()));
  changed(id);
  return Status::ok();
}

Result<CreatedApiKey> ApiKeyService::rotate(const std::string& organization_id,
                                            const std::string& id) {
  NewApiKey key = generateApiKey();
  const std::int64_t now = clock::nowMs();
  AISAFE_RETURN_IF_ERROR(repo_.rotate(organization_id, id, key.hash, key.prefix,
                                      now + options_.rotation_grace_ms, now));
  changed(id);
  AISAFE_TRY(auto row, repo_.get(organization_id, id));
  return CreatedApiKey{std::move(row), key.key};
}

void ApiKeyService::changed(const std::string& id) {
  forget(id);
  if (on_change_) {
    on_change_(id);
  }
}

void ApiKeyService::forget(const std::string& id) {
  std::lock_guard lock(mu_);
  for (auto it = by_hash_.begin(); it != by_hash_.end();) {
    if (it->second.row && it->second.row->id == id) {
      it = by_hash_.erase(it);
    } else {
      ++it;
    }
  }
}

Result<Identity> ApiKeyService::authenticate(std::string_view key) {
  if (!looksLikeApiKey(key)) {
    return unauthenticated("invalid_api_key", "invalid API key");
  }
  const std::string hash = apiKeyHash(key);
  const auto now = clock::coarseSteadyNow();  // on every request; a TTL needs no precision
  std::optional<storage::ApiKeyRow> row;
  bool cached = false;
  {
    std::lock_guard lock(mu_);
    if (auto it = by_hash_.find(hash);
        it != by_hash_.end() &&
        now - it->second.checked < std::chrono::milliseconds(options_.cache_ttl_ms)) {
      row = it->second.row;
      cached = true;
    }
  }
  const std::int64_t now_ms = clock::nowMs();
  if (!cached) {
    auto found = repo_.byHash(hash, now_ms);
    if (!found && found.status().code() != StatusCode::kNotFound) {
      return found.status();
    }
    if (found) {
      row = std::move(found).value();
    }
    std::lock_guard lock(mu_);
    if (by_hash_.size() >= kMaxCachedKeys) {
      by_hash_.clear();
    }
    by_hash_[hash] = CachedKey{row, now};
  }
  if (!row) {
    return unauthenticated("invalid_api_key", "invalid API key");
  }
  if (row->revoked_at) {
    return unauthenticated("api_key_revoked", "this API key was revoked");
  }
  if (row->expires_at && *row->expires_at <= now_ms) {
    return unauthenticated("api_key_expired", "this API key has expired");
  }
  // A rotated-out secret works only until its grace period ends, even from the cache.
  if (row->key_hash != hash && (!row->previous_expires_at || *row->previous_expires_at <= now_ms)) {
    return unauthenticated("api_key_expired",
                           "this API key was rotated and its grace period ended");
  }
  recordUse(row->id);
  Identity id;
  id.kind = Identity::Kind::kApiKey;
  id.id = row->id;
  id.user_id = row->created_by;
  id.organization_id = row->organization_id;
  id.scopes = scopesFromJson(row->scopes);
  if (row->rate_limit_per_minute) {
    id.rate_limit_per_minute = *row->rate_limit_per_minute;
  }
  return id;
}

void ApiKeyService::recordUse(const std::string& id) {
  std::lock_guard lock(mu_);
  auto& u = usage_[id];
  u.id = id;
  ++u.requests;
  u.last_used_at = clock::nowMs();
}

Result<std::size_t> ApiKeyService::flushUsage() {
  std::map<std::string, storage::ApiKeyUsage> pending;
  {
    std::lock_guard lock(mu_);
    pending.swap(usage_);
  }
  if (pending.empty()) {
    return std::size_t{0};
  }
  std::vector<storage::ApiKeyUsage> batch;
  batch.reserve(pending.size());
  for (auto& [id, u] : pending) {
    batch.push_back(std::move(u));
  }
  Status st = repo_.addUsage(batch);
  if (!st.isOk()) {
    // Put the counts back so a later flush writes them.
    std::lock_guard lock(mu_);
    for (const auto& u : batch) {
      auto& slot = usage_[u.id];
      slot.id = u.id;
      slot.requests += u.requests;
      slot.last_used_at = std::max(slot.last_used_at, u.last_used_at);
    }
    return st;
  }
  return batch.size();
}

}  // namespace aisafe::auth
