#include "storage/user_repository.h"

#include <soci/soci.h>

#include "core/clock.h"
#include "storage/row_values.h"

namespace aisafe::storage {
namespace {

constexpr const char* kSelectUser =
    "SELECT id, organization_id, email, password_hash, role, is_superadmin, created_at, "
    "updated_at FROM users";

UserRow userFromRow(const soci::row& r) {
  UserRow u;
  u.id = r.get<std::string>(0);
  u.organization_id = r.get<std::string>(1);
  u.email = r.get<std::string>(2);
  u.password_hash = r.get<std::string>(3);
  u.role = r.get<std::string>(4);
  u.is_superadmin = r.get<int>(5) != 0;
  u.created_at = r.get<long long>(6);
  u.updated_at = r.get<long long>(7);
  return u;
}

Result<UserRow> selectOne(const Database& db, const std::string& where, const std::string& arg) {
  std::optional<UserRow> out;
  AISAFE_RETURN_IF_ERROR(db.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << std::string(kSelectUser) + " WHERE " + where, soci::use(arg));
    for (const auto& r : rows) {
      out = userFromRow(r);
    }
  }));
  if (!out) {
    return notFound("user not found");
  }
  return *out;
}

// Would the change leave `organization_id` without an owner? Runs inside the transaction.
bool removesLastOwner(soci::session& s, const std::string& organization_id,
                      const std::string& user_id) {
  int owners = 0, is_owner = 0;
  s << "SELECT COUNT(*) FROM users WHERE organization_id = :o AND role = 'owner'",
      soci::into(owners), soci::use(organization_id);
  s << "SELECT COUNT(*) FROM users WHERE organization_id = :o AND id = :u AND role = 'owner'",
      soci::into(is_owner), soci::use(organization_id), soci::use(user_id);
  return is_owner == 1 && owners <= 1;
}

}  // namespace

bool isUniqueViolation(const Status& st) {
  const auto& m = st.message();
  return m.find("UNIQUE constraint failed") != std::string::npos ||
         m.find("duplicate key value") != std::string::npos;
}

void UserRepository::insert(soci::session& s, const UserRow& row) {
  const int superadmin = row.is_superadmin ? 1 : 0;
  const long long created = row.created_at, updated = row.updated_at;
  s << "INSERT INTO users (id, organization_id, email, password_hash, role, is_superadmin, "
       "created_at, updated_at) VALUES (:id, :o, :e, :h, :r, :s, :c, :u)",
      soci::use(row.id), soci::use(row.organization_id), soci::use(row.email),
      soci::use(row.password_hash), soci::use(row.role), soci::use(superadmin), soci::use(created),
      soci::use(updated);
}

Status UserRepository::create(const UserRow& row) {
  Status st = db_.transaction([&](soci::session& s) { insert(s, row); });
  if (!st.isOk() && isUniqueViolation(st)) {
    return Status(StatusCode::kConflict, "a user with this email already exists");
  }
  return st;
}

Result<UserRow> UserRepository::byEmail(const std::string& email) {
  return selectOne(db_, "email = :e", email);
}

Result<UserRow> UserRepository::byId(const std::string& id) {
  return selectOne(db_, "id = :id", id);
}

Result<std::vector<UserRow>> UserRepository::listByOrganization(
    const std::string& organization_id) {
  std::vector<UserRow> out;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << std::string(kSelectUser) +
                          " WHERE organization_id = :o ORDER BY created_at, id",
         soci::use(organization_id));
    for (const auto& r : rows) {
      out.push_back(userFromRow(r));
    }
  }));
  return out;
}

Result<std::int64_t> UserRepository::countUpTo(std::int64_t limit) {
  long long n = 0;
  const long long most = limit;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    s << "SELECT COUNT(*) FROM (SELECT 1 FROM users LIMIT :n) AS some_users", soci::use(most),
        soci::into(n);
  }));
  return static_cast<std::int64_t>(n);
}

Status UserRepository::updateRole(const std::string& organization_id, const std::string& user_id,
                                  const std::string& role) {
  long long affected = 0;
  bool last_owner = false;
  const long long now = clock::nowMs();
  AISAFE_RETURN_IF_ERROR(db_.transaction([&](soci::session& s) {
    if (role != "owner" && removesLastOwner(s, organization_id, user_id)) {
      last_owner = true;
      return;
    }
    soci::statement st =
        (s.prepare << "UPDATE users SET role = :r, updated_at = :t WHERE id = :u AND "
                      "organization_id = :o",
         soci::use(role), soci::use(now), soci::use(user_id), soci::use(organization_id));
    affected = internal::executeCountingRows(st);
  }));
  if (last_owner) {
    return Status(StatusCode::kConflict, "the last owner of an organization cannot be demoted");
  }
  if (affected == 0) {
    return notFound("member not found");
  }
  return Status::ok();
}

Status UserRepository::remove(const std::string& organization_id, const std::string& user_id) {
  long long affected = 0;
  bool last_owner = false;
  AISAFE_RETURN_IF_ERROR(db_.transaction([&](soci::session& s) {
    if (removesLastOwner(s, organization_id, user_id)) {
      last_owner = true;
      return;
    }
    s << "DELETE FROM refresh_tokens WHERE user_id = :u", soci::use(user_id);
    soci::statement st = (s.prepare << "DELETE FROM users WHERE id = :u AND organization_id = :o",
                          soci::use(user_id), soci::use(organization_id));
    affected = internal::executeCountingRows(st);
  }));
  if (last_owner) {
    return Status(StatusCode::kConflict, "the last owner of an organization cannot be removed");
  }
  if (affected == 0) {
    return notFound("member not found");
  }
  return Status::ok();
}

Status UserRepository::setPasswordHash(const std::string& user_id, const std::string& hash) {
  const long long now = clock::nowMs();
  return db_.run([&](soci::session& s) {
    s << "UPDATE users SET password_hash = :h, updated_at = :t WHERE id = :u", soci::use(hash),
        soci::use(now), soci::use(user_id);
  });
}

}  // namespace aisafe::storage
