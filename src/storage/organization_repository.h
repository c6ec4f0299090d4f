// Organizations and their invitations. Creating an organization also creates its default
// policy (and, at registration, its first owner) in one transaction, so no organization ever
// exists without a policy to validate with or without an owner to manage it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/database.h"
#include "storage/policy_repository.h"
#include "storage/user_repository.h"

namespace aisafe::storage {

struct OrganizationRow {
  std::string id;
  std::string name;
  std::string settings = "{}";  // JSON object, validated by src/tenancy
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct InvitationRow {
  std::string id;
  std::string organization_id;
  std::string email;
  std::string role;
  std::string token_hash;
  std::string created_by;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> accepted_at;
};

class OrganizationRepository {
 public:
  explicit OrganizationRepository(const Database& db) : db_(db) {}

  // Inserts the organization, its default policy and, when given, its first user.
  // kConflict when the user's email is taken.
  Status create(const OrganizationRow& org, const PolicyRow& default_policy,
                const std::optional<UserRow>& owner);
  Result<OrganizationRow> get(const std::string& id);
  Result<std::vector<OrganizationRow>> list();
  // kNotFound when missing.
  Status update(const OrganizationRow& org);

  Status createInvitation(const InvitationRow& row);
  // Accepts a pending, unexpired invitation and inserts `user` (its organization and role taken
  // from the invitation) in one transaction. kNotFound when the token is unknown, spent or
  // expired; kConflict when the email is taken.
  Result<InvitationRow> acceptInvitation(const std::string& token_hash, UserRow user,
                                         std::int64_t now_ms);

 private:
  const Database& db_;
};

}  // namespace aisafe::storage
