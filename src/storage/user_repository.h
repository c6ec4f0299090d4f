// Users: one organization each, with a role in it (owner, admin, member, viewer) and an optional
// platform-wide superadmin flag. Emails are stored lowercased and are unique across the platform.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/database.h"

namespace soci {
class session;
}

namespace aisafe::storage {

struct UserRow {
  std::string id;
  std::string organization_id;
  std::string email;
  std::string password_hash;
  std::string role;
  bool is_superadmin = false;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

class UserRepository {
 public:
  explicit UserRepository(const Database& db) : db_(db) {}

  // kConflict when the email is taken.
  Status create(const UserRow& row);
  Result<UserRow> byEmail(const std::string& email);
  Result<UserRow> byId(const std::string& id);
  Result<std::vector<UserRow>> listByOrganization(const std::string& organization_id);
  // How many users there are, counting no further than `limit`: start-up asks "none? only the
  // admin?", which must not cost a walk over every user.
  Result<std::int64_t> countUpTo(std::int64_t limit);
  // Changes a member's role. kNotFound when the user is not in the organization; kConflict when
  // it would leave the organization without an owner (checked inside the transaction).
  Status updateRole(const std::string& organization_id, const std::string& user_id,
                    const std::string& role);
  // Removes a member, with the same last-owner rule.
  Status remove(const std::string& organization_id, const std::string& user_id);
  Status setPasswordHash(const std::string& user_id, const std::string& hash);

  // Inserts within a caller's transaction (registration, invitations). Throws on conflict.
  static void insert(soci::session& s, const UserRow& row);

 private:
  const Database& db_;
};

// Is this database error a unique-constraint violation? (SQLite and PostgreSQL word it apart.)
bool isUniqueViolation(const Status& st);

}  // namespace aisafe::storage
