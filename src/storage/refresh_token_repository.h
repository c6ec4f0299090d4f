// Refresh tokens (sessions). A login starts a family; each refresh spends one token and adds the
// next to the family. Tokens are stored as SHA-256 hashes. A spent token presented again means
// that somebody else holds a copy: the whole family is revoked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "storage/database.h"

namespace aisafe::storage {

struct RefreshTokenRow {
  std::string id;
  std::string user_id;
  std::string family_id;
  std::string token_hash;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> used_at;
  std::optional<std::int64_t> revoked_at;
};

class RefreshTokenRepository {
 public:
  explicit RefreshTokenRepository(const Database& db) : db_(db) {}

  Status create(const RefreshTokenRow& row);
  Result<RefreshTokenRow> byHash(const std::string& token_hash);
  // Spends `current` and inserts `next` in one transaction. Returns false (nothing inserted)
  // when `current` was already spent or revoked: the caller lost a race or holds a replayed token.
  Result<bool> rotate(const std::string& current_id, const RefreshTokenRow& next,
                      std::int64_t now_ms);
  Status revokeFamily(const std::string& family_id, std::int64_t now_ms);
  // Every session of the user but `keep_family` (password change).
  Status revokeUserSessions(const std::string& user_id, const std::string& keep_family,
                            std::int64_t now_ms);
  // Is the session still live (some token of the family neither revoked nor expired)?
  Result<bool> familyActive(const std::string& family_id, std::int64_t now_ms);

 private:
  const Database& db_;
};

}  // namespace aisafe::storage
