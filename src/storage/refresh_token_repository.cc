#include "storage/refresh_token_repository.h"

#include <soci/soci.h>

#include "storage/row_values.h"

namespace aisafe::storage {
namespace {

void insertToken(soci::session& s, const RefreshTokenRow& row) {
  const long long created = row.created_at, expires = row.expires_at;
  s << "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, created_at, expires_at) "
       "VALUES (:id, :u, :f, :h, :c, :x)",
      soci::use(row.id), soci::use(row.user_id), soci::use(row.family_id),
      soci::use(row.token_hash), soci::use(created), soci::use(expires);
}

}  // namespace

Status RefreshTokenRepository::create(const RefreshTokenRow& row) {
  return db_.run([&](soci::session& s) { insertToken(s, row); });
}

Result<RefreshTokenRow> RefreshTokenRepository::byHash(const std::string& token_hash) {
  std::optional<RefreshTokenRow> out;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT id, user_id, family_id, token_hash, created_at, expires_at, "
                      "used_at, revoked_at FROM refresh_tokens WHERE token_hash = :h",
         soci::use(token_hash));
    for (const auto& r : rows) {
      out = RefreshTokenRow{r.get<std::string>(0),         r.get<std::string>(1),
                            r.get<std::string>(2),         r.get<std::string>(3),
                            r.get<long long>(4),           r.get<long long>(5),
                            internal::nullableInt64(r, 6), internal::nullableInt64(r, 7)};
    }
  }));
  if (!out) {
    return notFound("refresh token not found");
  }
  return *out;
}

Result<bool> RefreshTokenRepository::rotate(const std::string& current_id,
                                            const RefreshTokenRow& next, std::int64_t now_ms) {
  bool rotated = false;
  const long long now = now_ms;
  AISAFE_RETURN_IF_ERROR(db_.transaction([&](soci::session& s) {
    soci::statement spend =
        (s.prepare << "UPDATE refresh_tokens SET used_at = :t WHERE id = :id AND used_at IS NULL "
                      "AND revoked_at IS NULL",
         soci::use(now), soci::use(current_id));
    if (internal::executeCountingRows(spend) != 1) return;
    insertToken(s, next);
    rotated = true;
  }));
  return rotated;
}

Status RefreshTokenRepository::revokeFamily(const std::string& family_id, std::int64_t now_ms) {
  const long long now = now_ms;
  return db_.run([&](soci::session& s) {
    s << "UPDATE refresh_tokens SET revoked_at = :t WHERE family_id = :f AND revoked_at IS NULL",
        soci::use(now), soci::use(family_id);
  });
}

Status RefreshTokenRepository::revokeUserSessions(const std::string& user_id,
                                                  const std::string& keep_family,
                                                  std::int64_t now_ms) {
  const long long now = now_ms;
  return db_.run([&](soci::session& s) {
    s << "UPDATE refresh_tokens SET revoked_at = :t WHERE user_id = :u AND family_id <> :f AND "
         "revoked_at IS NULL",
        soci::use(now), soci::use(user_id), soci::use(keep_family);
  });
}

Result<bool> RefreshTokenRepository::familyActive(const std::string& family_id,
                                                  std::int64_t now_ms) {
  int live = 0;
  const long long now = now_ms;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    s << "SELECT COUNT(*) FROM refresh_tokens WHERE family_id = :f AND revoked_at IS NULL AND "
         "expires_at > :t",
        soci::into(live), soci::use(family_id), soci::use(now);
  }));
  return live > 0;
}

}  // namespace aisafe::storage
