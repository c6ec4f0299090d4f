// API keys, stored as the SHA-256 of the key (never the key). A rotation moves the current hash
// to previous_key_hash, which keeps authenticating until previous_expires_at.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/database.h"
#include "storage/record_change.h"

namespace aisafe::storage {

struct ApiKeyRow {
  std::string id;
  std::string organization_id;
  std::string name;
  std::string prefix;
  std::string key_hash;
  std::optional<std::string> previous_key_hash;
  std::optional<std::int64_t> previous_expires_at;
  std::string scopes;  // JSON array of scope names
  std::optional<int> rate_limit_per_minute;
  std::optional<std::int64_t> expires_at;
  std::string created_by;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> last_used_at;
  std::int64_t request_count = 0;
  std::optional<std::int64_t> revoked_at;
};

// Usage to add to a key, gathered off the request path.
struct ApiKeyUsage {
  std::string id;
  std::int64_t requests = 0;
  std::int64_t last_used_at = 0;
};

class ApiKeyRepository {
 public:
  explicit ApiKeyRepository(const Database& db) : db_(db) {}

  Status create(const ApiKeyRow& row);
  // The key whose current or (unexpired) previous hash is `key_hash`, revoked or not: the caller
  // decides, so that it can answer with a precise reason.
  Result<ApiKeyRow> byHash(const std::string& key_hash, std::int64_t now_ms);
  Result<ApiKeyRow> get(const std::string& organization_id, const std::string& id);
  Result<std::vector<ApiKeyRow>> list(const std::string& organization_id);
  // Writes name, scopes, rate limit and expiry of `row` (matched on organization and id).
  Status update(const ApiKeyRow& row);
  Status revoke(const std::string& organization_id, const std::string& id, std::int64_t now_ms);
  Status rotate(const std::string& organization_id, const std::string& id,
                const std::string& new_hash, const std::string& new_prefix,
                std::int64_t previous_expires_at, std::int64_t now_ms);
  Status addUsage(const std::vector<ApiKeyUsage>& usage);

  // Runs inside the transaction of create and revoke (the webhook outbox).
  void setChangeHook(RecordChangeHook hook) { hook_ = std::move(hook); }

 private:
  const Database& db_;
  RecordChangeHook hook_;
};

}  // namespace aisafe::storage
