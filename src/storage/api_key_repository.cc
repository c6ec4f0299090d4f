#include "storage/api_key_repository.h"

#include <soci/soci.h>

#include "storage/row_values.h"

namespace aisafe::storage {
namespace {

using internal::NullableParam;

constexpr const char* kSelectKey =
    "SELECT id, organization_id, name, prefix, key_hash, previous_key_hash, previous_expires_at, "
    "scopes, rate_limit_per_minute, expires_at, created_by, created_at, updated_at, "
    "last_used_at, request_count, revoked_at FROM api_keys";

ApiKeyRow keyFromRow(const soci::row& r) {
  ApiKeyRow k;
  k.id = r.get<std::string>(0);
  k.organization_id = r.get<std::string>(1);
  k.name = r.get<std::string>(2);
  k.prefix = r.get<std::string>(3);
  k.key_hash = r.get<std::string>(4);
  k.previous_key_hash = internal::nullableText(r, 5);
  k.previous_expires_at = internal::nullableInt64(r, 6);
  k.scopes = r.get<std::string>(7);
  k.rate_limit_per_minute = internal::nullableInt(r, 8);
  k.expires_at = internal::nullableInt64(r, 9);
  k.created_by = r.get<std::string>(10);
  k.created_at = r.get<long long>(11);
  k.updated_at = r.get<long long>(12);
  k.last_used_at = internal::nullableInt64(r, 13);
  k.request_count = r.get<long long>(14);
  k.revoked_at = internal::nullableInt64(r, 15);
  return k;
}

std::optional<long long> widen(const std::optional<std::int64_t>& v) {
  if (!v) {
    return std::nullopt;
  }
  return static_cast<long long>(*v);
}

Status notFoundIfNone(long long affected) {
  return affected == 0 ? notFound("API key not found") : Status::ok();
}

}  // namespace

Status ApiKeyRepository::create(const ApiKeyRow& row) {
  NullableParam<int> limit(row.rate_limit_per_minute);
  NullableParam<long long> expires(widen(row.expires_at));
  const long long created = row.created_at, updated = row.updated_at;
  return db_.transaction([&](soci::session& s) {
    s << "INSERT INTO api_keys (id, organization_id, name, prefix, key_hash, scopes, "
         "rate_limit_per_minute, expires_at, created_by, created_at, updated_at) VALUES "
         "(:id, :o, :n, :p, :h, :s, :l, :x, :b, :c, :u)",
        soci::use(row.id), soci::use(row.organization_id), soci::use(row.name),
        soci::use(row.prefix), soci::use(row.key_hash), soci::use(row.scopes),
        soci::use(limit.value, limit.ind), soci::use(expires.value, expires.ind),
        soci::use(row.created_by), soci::use(created), soci::use(updated);
    if (hook_) {
      hook_(s, {"api_key.created", row.organization_id, row.id, row.name, 0});
    }
  });
}

Result<ApiKeyRow> ApiKeyRepository::byHash(const std::string& key_hash, std::int64_t now_ms) {
  std::optional<ApiKeyRow> out;
  const long long now = now_ms;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    // Two indexed lookups rather than one OR, which PostgreSQL may not plan on both indexes.
    soci::rowset<soci::row> current =
        (s.prepare << std::string(kSelectKey) + " WHERE key_hash = :h", soci::use(key_hash));
    for (const auto& r : current) {
      out = keyFromRow(r);
    }
    if (out) return;
    soci::rowset<soci::row> previous =
        (s.prepare << std::string(kSelectKey) +
                          " WHERE previous_key_hash = :h AND previous_expires_at > :t",
         soci::use(key_hash), soci::use(now));
    for (const auto& r : previous) {
      out = keyFromRow(r);
    }
  }));
  if (!out) {
    return notFound("API key not found");
  }
  return *out;
}

Result<ApiKeyRow> ApiKeyRepository::get(const std::string& organization_id, const std::string& id) {
  std::optional<ApiKeyRow> out;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << std::string(kSelectKey) + " WHERE id = :id AND organization_id = :o",
         soci::use(id), soci::use(organization_id));
    for (const auto& r : rows) {
      out = keyFromRow(r);
    }
  }));
  if (!out) {
    return notFound("API key not found");
  }
  return *out;
}

Result<std::vector<ApiKeyRow>> ApiKeyRepository::list(const std::string& organization_id) {
  std::vector<ApiKeyRow> out;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << std::string(kSelectKey) +
                          " WHERE organization_id = :o ORDER BY created_at, id",
         soci::use(organization_id));
    for (const auto& r : rows) {
      out.push_back(keyFromRow(r));
    }
  }));
  return out;
}

Status ApiKeyRepository::update(const ApiKeyRow& row) {
  NullableParam<int> limit(row.rate_limit_per_minute);
  NullableParam<long long> expires(widen(row.expires_at));
  const long long updated = row.updated_at;
  long long affected = 0;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::statement st =
        (s.prepare << "UPDATE api_keys SET name = :n, scopes = :s, rate_limit_per_minute = :l, "
                      "expires_at = :x, updated_at = :u WHERE id = :id AND organization_id = :o",
         soci::use(row.name), soci::use(row.scopes), soci::use(limit.value, limit.ind),
         soci::use(expires.value, expires.ind), soci::use(updated), soci::use(row.id),
         soci::use(row.organization_id));
    affected = internal::executeCountingRows(st);
  }));
  return notFoundIfNone(affected);
}

Status ApiKeyRepository::revoke(const std::string& organization_id, const std::string& id,
                                std::int64_t now_ms) {
  const long long now = now_ms;
  long long affected = 0;
  AISAFE_RETURN_IF_ERROR(db_.transaction([&](soci::session& s) {
    soci::statement st =
        (s.prepare << "UPDATE api_keys SET revoked_at = :t, updated_at = :t2 WHERE id = :id AND "
                      "organization_id = :o AND revoked_at IS NULL",
         soci::use(now), soci::use(now), soci::use(id), soci::use(organization_id));
    affected = internal::executeCountingRows(st);
    if (affected > 0 && hook_) hook_(s, {"api_key.revoked", organization_id, id, "", 0});
  }));
  return notFoundIfNone(affected);
}

Status ApiKeyRepository::rotate(const std::string& organization_id, const std::string& id,
                                const std::string& new_hash, const std::string& new_prefix,
                                std::int64_t previous_expires_at, std::int64_t now_ms) {
  const long long now = now_ms, grace = previous_expires_at;
  long long affected = 0;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::statement st =
        (s.prepare << "UPDATE api_keys SET previous_key_hash = key_hash, previous_expires_at = :g, "
                      "key_hash = :h, prefix = :p, updated_at = :t WHERE id = :id AND "
                      "organization_id = :o AND revoked_at IS NULL",
         soci::use(grace), soci::use(new_hash), soci::use(new_prefix), soci::use(now),
         soci::use(id), soci::use(organization_id));
    affected = internal::executeCountingRows(st);
  }));
  return notFoundIfNone(affected);
}

Status ApiKeyRepository::addUsage(const std::vector<ApiKeyUsage>& usage) {
  if (usage.empty()) {
    return Status::ok();
  }
  return db_.transaction([&](soci::session& s) {
    for (const auto& u : usage) {
      const long long n = u.requests, last = u.last_used_at;
      // MAX keeps last_used_at monotonic when replicas flush out of order.
      s << "UPDATE api_keys SET request_count = request_count + :n, last_used_at = CASE WHEN "
           "last_used_at IS NULL OR last_used_at < :l THEN :l2 ELSE last_used_at END WHERE id = "
           ":id",
          soci::use(n), soci::use(last), soci::use(last), soci::use(u.id);
    }
  });
}

}  // namespace aisafe::storage
