// Limit hits (table rate_limit_logs): written in batches by a BatchWriter off the request path,
// read per organization for its admins.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/database.h"

namespace aisafe::storage {

struct RateLimitLogRow {
  std::string id;
  std::string organization_id;
  std::string api_key_id;  // "" when the caller was not an API key
  std::string limit_name;  // e.g. "organization_requests_per_minute"
  std::string route;
  std::int64_t created_at = 0;
};

class RateLimitLogRepository {
 public:
  explicit RateLimitLogRepository(const Database& db) : db_(db) {}

  Status insertBatch(const std::vector<RateLimitLogRow>& rows);
  // The newest `limit` hits of an organization, newest first.
  Result<std::vector<RateLimitLogRow>> recent(const std::string& organization_id, int limit);

 private:
  const Database& db_;
};

}  // namespace aisafe::storage
