// Policies and their versions in the database. A policy's document (its JSON form) is stored
// per version; changing a policy appends a version and moves current_version, in one transaction.
// This layer stores documents; what a valid document is belongs to src/policy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/database.h"
#include "storage/record_change.h"

namespace aisafe::storage {

struct PolicyRow {
  std::string id;
  std::string organization_id;
  std::string name;
  int version = 0;  // current version
  bool is_default = false;
  std::string document;  // JSON of the current version
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// A policy as the refresh of compiled policies sees it: enough to tell what changed, without
// the document.
struct PolicyChangeRow {
  std::string id;
  std::string organization_id;
  int version = 0;  // current version
  bool is_default = false;
  bool deleted = false;
  std::int64_t updated_at = 0;
};

struct PolicyVersionRow {
  int version = 0;
  std::string document;
  std::int64_t created_at = 0;
};

class PolicyRepository {
 public:
  explicit PolicyRepository(const Database& db) : db_(db) {}

  // Every method but changedSince(since_ms) is scoped to one organization: another
  // organization's policy is kNotFound, exactly like a missing one.
  Status create(const PolicyRow& row);
  // Appends version current+1 with `document`; kNotFound when missing or deleted.
  Result<PolicyRow> update(const std::string& organization_id, const std::string& id,
                           const std::string& name, const std::string& document);
  // Soft delete: the versions stay for the audit trail; updated_at moves, so the delete shows
  // in changedSince(). kNotFound when missing.
  Status remove(const std::string& organization_id, const std::string& id);
  Result<PolicyRow> get(const std::string& organization_id, const std::string& id);
  // The organization's live policies, by creation time.
  Result<std::vector<PolicyRow>> list(const std::string& organization_id);
  // The organization's default policy; kNotFound when it has none.
  Result<PolicyRow> getDefault(const std::string& organization_id);
  // Policies whose updated_at is at or after `since_ms`, deleted ones included: what other
  // replicas changed lately (policies_updated_idx, policies_organization_updated_idx), never a
  // walk over every row. In every organization, or in one.
  Result<std::vector<PolicyChangeRow>> changedSince(std::int64_t since_ms);
  Result<std::vector<PolicyChangeRow>> changedSince(const std::string& organization_id,
                                                    std::int64_t since_ms);
  Result<std::vector<PolicyVersionRow>> versions(const std::string& organization_id,
                                                 const std::string& id);
  // Makes `id` the organization's default policy (and no other); updated_at moves on both the
  // new default and the one it replaces. kNotFound when missing.
  Status setDefault(const std::string& organization_id, const std::string& id);

  // Inserts a policy and its version 1 within a caller's transaction.
  static void insert(soci::session& s, const PolicyRow& row);

  // Runs inside the transaction of every create, update and remove (the webhook outbox).
  void setChangeHook(RecordChangeHook hook) { hook_ = std::move(hook); }

 private:
  void changed(soci::session& s, const RecordChange& c) const {
    if (hook_) {
      hook_(s, c);
    }
  }

  const Database& db_;
  RecordChangeHook hook_;
};

}  // namespace aisafe::storage
