#include "storage/policy_repository.h"

#include <soci/soci.h>

#include "core/clock.h"

namespace aisafe::storage {
namespace {

constexpr const char* kSelectCurrent =
    "SELECT p.id, p.name, p.current_version, p.is_default, v.document, p.created_at, "
    "p.updated_at, p.organization_id FROM policies p JOIN policy_versions v "
    "ON v.policy_id = p.id AND v.version = p.current_version WHERE p.deleted_at IS NULL";

PolicyRow fromRow(const soci::row& r) {
  PolicyRow p;
  p.id = r.get<std::string>(0);
  p.name = r.get<std::string>(1);
  p.version = r.get<int>(2);
  p.is_default = r.get<int>(3) != 0;
  p.document = r.get<std::string>(4);
  p.created_at = r.get<long long>(5);
  p.updated_at = r.get<long long>(6);
  p.organization_id = r.get<std::string>(7);
  return p;
}

// No document: a change matters only to a replica that has the policy compiled, and that one
// reads the document with get().
constexpr const char* kSelectChanges =
    "SELECT id, organization_id, current_version, is_default, deleted_at, updated_at "
    "FROM policies";

PolicyChangeRow changeFromRow(const soci::row& r) {
  PolicyChangeRow c;
  c.id = r.get<std::string>(0);
  c.organization_id = r.get<std::string>(1);
  c.version = r.get<int>(2);
  c.is_default = r.get<int>(3) != 0;
  c.deleted = r.get_indicator(4) != soci::i_null;
  c.updated_at = r.get<long long>(5);
  return c;
}

}  // namespace

void PolicyRepository::insert(soci::session& s, const PolicyRow& row) {
  const long long now = row.created_at;
  const int is_default = row.is_default ? 1 : 0;
  s << "INSERT INTO policies (id, organization_id, name, current_version, is_default, "
       "created_at, updated_at) VALUES (:id, :o, :name, 1, :d, :c, :u)",
      soci::use(row.id), soci::use(row.organization_id), soci::use(row.name), soci::use(is_default),
      soci::use(now), soci::use(now);
  s << "INSERT INTO policy_versions (policy_id, version, document, created_at) "
       "VALUES (:id, 1, :doc, :c)",
      soci::use(row.id), soci::use(row.document), soci::use(now);
}

Status PolicyRepository::create(const PolicyRow& row) {
  return db_.transaction([&](soci::session& s) {
    insert(s, row);
    changed(s, {"policy.created", row.organization_id, row.id, row.name, 1});
  });
}

Status PolicyRepository::setDefault(const std::string& organization_id, const std::string& id) {
  long long affected = 0;
  AISAFE_RETURN_IF_ERROR(db_.transaction([&](soci::session& s) {
    const long long now = clock::nowMs();
    soci::statement st =
        (s.prepare << "UPDATE policies SET is_default = 1, updated_at = :t WHERE id = :id AND "
                      "organization_id = :o AND deleted_at IS NULL",
         soci::use(now), soci::use(id), soci::use(organization_id));
    st.execute(true);
    affected = st.get_affected_rows();
    if (affected == 0) return;
    s << "UPDATE policies SET is_default = 0, updated_at = :t WHERE organization_id = :o AND "
         "id <> :id AND is_default = 1",
        soci::use(now), soci::use(organization_id), soci::use(id);
  }));
  if (affected == 0) {
    return notFound("policy " + id + " not found");
  }
  return Status::ok();
}

Result<PolicyRow> PolicyRepository::update(const std::string& organization_id,
                                           const std::string& id, const std::string& name,
                                           const std::string& document) {
  bool found = false;
  const long long now = clock::nowMs();
  AISAFE_RETURN_IF_ERROR(db_.transaction([&](soci::session& s) {
    int current = 0;
    soci::indicator ind = soci::i_null;
    // Bumping first takes the row lock on PostgreSQL, so concurrent updates get distinct versions.
    s << "UPDATE policies SET current_version = current_version + 1, name = :n, updated_at = :u "
         "WHERE id = :id AND organization_id = :o AND deleted_at IS NULL",
        soci::use(name), soci::use(now), soci::use(id), soci::use(organization_id);
    s << "SELECT current_version FROM policies WHERE id = :id AND organization_id = :o AND "
         "deleted_at IS NULL",
        soci::into(current, ind), soci::use(id), soci::use(organization_id);
    if (!s.got_data() || ind != soci::i_ok) return;
    found = true;
    s << "INSERT INTO policy_versions (policy_id, version, document, created_at) "
         "VALUES (:id, :v, :doc, :c)",
        soci::use(id), soci::use(current), soci::use(document), soci::use(now);
    changed(s, {"policy.updated", organization_id, id, name, current});
  }));
  if (!found) {
    return notFound("policy " + id + " not found");
  }
  return get(organization_id, id);
}

Status PolicyRepository::remove(const std::string& organization_id, const std::string& id) {
  long long affected = 0;
  const long long now = clock::nowMs();
  AISAFE_RETURN_IF_ERROR(db_.transaction([&](soci::session& s) {
    soci::statement st =
        (s.prepare << "UPDATE policies SET deleted_at = :t, updated_at = :u WHERE id = :id AND "
                      "organization_id = :o AND deleted_at IS NULL",
         soci::use(now), soci::use(now), soci::use(id), soci::use(organization_id));
    st.execute(true);
    affected = st.get_affected_rows();
    if (affected > 0) changed(s, {"policy.deleted", organization_id, id, "", 0});
  }));
  if (affected == 0) {
    return notFound("policy " + id + " not found");
  }
  return Status::ok();
}

Result<PolicyRow> PolicyRepository::get(const std::string& organization_id, const std::string& id) {
  std::optional<PolicyRow> out;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << std::string(kSelectCurrent) + " AND p.id = :id AND p.organization_id = :o",
         soci::use(id), soci::use(organization_id));
    for (const auto& r : rows) {
      out = fromRow(r);
    }
  }));
  if (!out) {
    return notFound("policy " + id + " not found");
  }
  return *out;
}

Result<std::vector<PolicyRow>> PolicyRepository::list(const std::string& organization_id) {
  std::vector<PolicyRow> out;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << std::string(kSelectCurrent) +
                          " AND p.organization_id = :o ORDER BY p.created_at, p.id",
         soci::use(organization_id));
    for (const auto& r : rows) {
      out.push_back(fromRow(r));
    }
  }));
  return out;
}

Result<PolicyRow> PolicyRepository::getDefault(const std::string& organization_id) {
  std::optional<PolicyRow> out;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << std::string(kSelectCurrent) +
                          " AND p.organization_id = :o AND p.is_default = 1 ORDER BY p.id LIMIT 1",
         soci::use(organization_id));
    for (const auto& r : rows) {
      out = fromRow(r);
    }
  }));
  if (!out) {
    return notFound("organization " + organization_id + " has no default policy");
  }
  return *out;
}

Result<std::vector<PolicyChangeRow>> PolicyRepository::changedSince(std::int64_t since_ms) {
  std::vector<PolicyChangeRow> out;
  const long long since = since_ms;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << std::string(kSelectChanges) +
                          " WHERE updated_at >= :since ORDER BY updated_at",
         soci::use(since));
    for (const auto& r : rows) {
      out.push_back(changeFromRow(r));
    }
  }));
  return out;
}

Result<std::vector<PolicyChangeRow>> PolicyRepository::changedSince(
    const std::string& organization_id, std::int64_t since_ms) {
  std::vector<PolicyChangeRow> out;
  const long long since = since_ms;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare
             << std::string(kSelectChanges) +
                    " WHERE organization_id = :o AND updated_at >= :since ORDER BY updated_at",
         soci::use(organization_id), soci::use(since));
    for (const auto& r : rows) {
      out.push_back(changeFromRow(r));
    }
  }));
  return out;
}

Result<std::vector<PolicyVersionRow>> PolicyRepository::versions(const std::string& organization_id,
                                                                 const std::string& id) {
  std::vector<PolicyVersionRow> out;
  bool exists = false;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    int n = 0;
    s << "SELECT COUNT(*) FROM policies WHERE id = :id AND organization_id = :o AND "
         "deleted_at IS NULL",
        soci::into(n), soci::use(id), soci::use(organization_id);
    exists = n > 0;
    if (!exists) return;
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT version, document, created_at FROM policy_versions "
                      "WHERE policy_id = :id ORDER BY version DESC",
         soci::use(id));
    for (const auto& r : rows) {
      out.push_back({r.get<int>(0), r.get<std::string>(1), r.get<long long>(2)});
    }
  }));
  if (!exists) {
    return notFound("policy " + id + " not found");
  }
  return out;
}

}  // namespace aisafe::storage
