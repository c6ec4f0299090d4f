// API keys: creation (the key shown once), listing, changes, revocation, rotation with a grace
// period, and authentication of a presented key. Authentication checks the key's format and
// checksum first (typos and random strings never reach the database), then looks the SHA-256 up
// through a small cache whose TTL bounds how long a revocation made on another replica takes to
// apply (AUTH_CACHE_TTL_MS, default 1 s). Usage (last_used_at, request counts) is gathered in
// memory and written in batches by flushUsage(), off the request path.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "auth/identity.h"
#include "storage/api_key_repository.h"

namespace aisafe::auth {

struct ApiKeyOptions {
  std::int64_t rotation_grace_ms = 24LL * 3'600'000;
  std::int64_t cache_ttl_ms = 1000;
};

// A change or a new key, as sent by the client (fields left out stay as they are).
struct ApiKeyFields {
  std::optional<std::string> name;
  std::optional<std::vector<std::string>> scopes;
  std::optional<std::optional<std::int64_t>> expires_at;  // epoch ms; inner nullopt: never
  std::optional<std::optional<int>> rate_limit_per_minute;
};

// Parses a create (`creating`: name and scopes required) or PATCH body; 422 naming the field.
Result<ApiKeyFields> parseApiKeyFields(const boost::json::object& body, bool creating);

struct CreatedApiKey {
  storage::ApiKeyRow row;
  std::string key;  // shown this once
};

boost::json::object toJson(const storage::ApiKeyRow& row);

class ApiKeyService {
 public:
  ApiKeyService(ApiKeyOptions options, storage::ApiKeyRepository& repo)
      : options_(options), repo_(repo) {}

  // `creator_role`: nobody grants a scope beyond their own role (403 otherwise).
  Result<CreatedApiKey> create(const Identity& creator, const ApiKeyFields& fields);
  Result<std::vector<storage::ApiKeyRow>> list(const std::string& organization_id);
  Result<storage::ApiKeyRow> get(const std::string& organization_id, const std::string& id);
  Result<storage::ApiKeyRow> update(const Identity& actor, const std::string& id,
                                    const ApiKeyFields& fields);
  Status revoke(const std::string& organization_id, const std::string& id);
  // A new secret; the old one keeps working for the grace period.
  Result<CreatedApiKey> rotate(const std::string& organization_id, const std::string& id);

  // The identity behind a presented key, or 401 with a precise code: invalid_api_key,
  // api_key_revoked, api_key_expired.
  Result<Identity> authenticate(std::string_view key);

  // Writes the usage gathered since the last call; the app calls it periodically and at exit.
  // Returns how many keys' counts were written (0: nothing was pending).
  Result<std::size_t> flushUsage();

  // Drops a key from the lookup cache (another replica changed it).
  void forget(const std::string& id);
  // Called after this service changed a key (update, revoke, rotate), to tell other replicas.
  void onChange(std::function<void(const std::string& id)> listener) {
    on_change_ = std::move(listener);
  }

 private:
  struct CachedKey {
    std::optional<storage::ApiKeyRow> row;  // nullopt: unknown key (negative cache)
    std::chrono::steady_clock::time_point checked;
  };
  void changed(const std::string& id);
  void recordUse(const std::string& id);

  ApiKeyOptions options_;
  storage::ApiKeyRepository& repo_;
  std::mutex mu_;
  std::map<std::string, CachedKey> by_hash_;
  std::map<std::string, storage::ApiKeyUsage> usage_;
  std::function<void(const std::string& id)> on_change_;
};

}  // namespace aisafe::auth
