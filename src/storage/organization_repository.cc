#include "storage/organization_repository.h"

#include <stdexcept>

#include <soci/soci.h>

#include "storage/row_values.h"

namespace aisafe::storage {
namespace {

OrganizationRow orgFromRow(const soci::row& r) {
  return {r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<long long>(3),
          r.get<long long>(4)};
}

constexpr const char* kSelectOrg =
    "SELECT id, name, settings, created_at, updated_at FROM organizations";

}  // namespace

Status OrganizationRepository::create(const OrganizationRow& org, const PolicyRow& default_policy,
                                      const std::optional<UserRow>& owner) {
  const long long created = org.created_at, updated = org.updated_at;
  Status st = db_.transaction([&](soci::session& s) {
    s << "INSERT INTO organizations (id, name, settings, created_at, updated_at) "
         "VALUES (:id, :n, :s, :c, :u)",
        soci::use(org.id), soci::use(org.name), soci::use(org.settings), soci::use(created),
        soci::use(updated);
    PolicyRepository::insert(s, default_policy);
    if (owner) {
      UserRepository::insert(s, *owner);
    }
  });
  if (!st.isOk() && isUniqueViolation(st)) {
    return Status(StatusCode::kConflict, "a user with this email already exists");
  }
  return st;
}

Result<OrganizationRow> OrganizationRepository::get(const std::string& id) {
  std::optional<OrganizationRow> out;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << std::string(kSelectOrg) + " WHERE id = :id", soci::use(id));
    for (const auto& r : rows) {
      out = orgFromRow(r);
    }
  }));
  if (!out) {
    return notFound("organization not found");
  }
  return *out;
}

Result<std::vector<OrganizationRow>> OrganizationRepository::list() {
  std::vector<OrganizationRow> out;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows = (s.prepare << std::string(kSelectOrg) + " ORDER BY created_at");
    for (const auto& r : rows) {
      out.push_back(orgFromRow(r));
    }
  }));
  return out;
}

Status OrganizationRepository::update(const OrganizationRow& org) {
  long long affected = 0;
  const long long updated = org.updated_at;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::statement st =
        (s.prepare << "UPDATE organizations SET name = :n, settings = :s, "
                      "updated_at = :u WHERE id = :id",
         soci::use(org.name), soci::use(org.settings), soci::use(updated), soci::use(org.id));
    affected = internal::executeCountingRows(st);
  }));
  if (affected == 0) {
    return notFound("organization not found");
  }
  return Status::ok();
}

Status OrganizationRepository::createInvitation(const InvitationRow& row) {
  const long long created = row.created_at, expires = row.expires_at;
  return db_.run([&](soci::session& s) {
    s << "INSERT INTO invitations (id, organization_id, email, role, token_hash, created_by, "
         "created_at, expires_at) VALUES (:id, :o, :e, :r, :h, :b, :c, :x)",
        soci::use(row.id), soci::use(row.organization_id), soci::use(row.email),
        soci::use(row.role), soci::use(row.token_hash), soci::use(row.created_by),
        soci::use(created), soci::use(expires);
  });
}

Result<InvitationRow> OrganizationRepository::acceptInvitation(const std::string& token_hash,
                                                               UserRow user, std::int64_t now_ms) {
  std::optional<InvitationRow> found;
  const long long now = now_ms;
  Status st = db_.transaction([&](soci::session& s) {
    // Claiming first makes two concurrent acceptances of one token race for a single row.
    soci::statement claim =
        (s.prepare << "UPDATE invitations SET accepted_at = :t WHERE token_hash = :h AND "
                      "accepted_at IS NULL AND expires_at > :t2",
         soci::use(now), soci::use(token_hash), soci::use(now));
    if (internal::executeCountingRows(claim) != 1) {
      return;
    }
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT id, organization_id, email, role, token_hash, created_by, "
                      "created_at, expires_at FROM invitations WHERE token_hash = :h",
         soci::use(token_hash));
    for (const auto& r : rows) {
      found = InvitationRow{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2),
                            r.get<std::string>(3), r.get<std::string>(4), r.get<std::string>(5),
                            r.get<long long>(6),   r.get<long long>(7),   now};
    }
    if (!found) {
      return;
    }
    if (!found->email.empty() && found->email != user.email) {
      // Roll the claim back: the token stays usable by the person it was sent to.
      found.reset();
      throw std::runtime_error("invitation is for another email");
    }
    user.organization_id = found->organization_id;
    user.role = found->role;
    UserRepository::insert(s, user);
  });
  if (!st.isOk()) {
    if (st.message().find("invitation is for another email") != std::string::npos) {
      return notFound("invitation not found, already used or expired");
    }
    if (isUniqueViolation(st)) {
      return Status(StatusCode::kConflict, "a user with this email already exists");
    }
    return st;
  }
  if (!found) {
    return notFound("invitation not found, already used or expired");
  }
  return *found;
}

}  // namespace aisafe::storage
