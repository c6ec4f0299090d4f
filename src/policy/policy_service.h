// Policies as a service: CRUD with versioning over the PolicyRepository, and the cache of
// compiled policies the validation path reads. Compilation happens on write (so an invalid
// policy is refused before it is stored) and the compiled pipeline is swapped atomically;
// requests in flight keep the one they started with.
// Replicas sharing one database converge through refresh(), which the app calls periodically:
// it compares stored versions with the cache and recompiles what changed elsewhere.
// Every operation is scoped to an organization: another organization's policy answers
// kNotFound, exactly like a missing one.
// Thread-safe. Methods that touch the database block: call them off the I/O threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "policy/compiled_policy.h"
#include "storage/policy_repository.h"

namespace aisafe::policy {

struct StoredPolicy {
  std::string id;
  std::string organization_id;
  int version = 0;
  bool is_default = false;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  PolicySpec spec;
};

struct PolicyVersion {
  int version = 0;
  std::int64_t created_at = 0;
  PolicySpec spec;
};

// What changed, for listeners (later: webhooks, cache invalidation across replicas).
struct PolicyEvent {
  enum class Kind { kCreated, kUpdated, kDeleted } kind;
  std::string organization_id;
  std::string id;
  int version = 0;
};

boost::json::object toJson(const StoredPolicy& p);

class PolicyService {
 public:
  static constexpr int kReadThroughsPerSecond = 50;

  PolicyService(storage::PolicyRepository& repo, std::shared_ptr<const detect::Registry> registry);

  // Compiles every stored policy; fails when one cannot be (start-up error).
  Status loadAll();
  // Picks up changes made by other replicas. Returns how many policies were (re)compiled.
  Result<int> refresh();

  // The compiled policy to validate with (empty id: the organization's default). kNotFound
  // when unknown. From memory, which loadAll(), writes, announcements and refresh() keep
  // filled; a policy this replica has not heard of yet (made on another one a moment ago) is
  // read through from the database, at most kReadThroughsPerSecond times a second, so a stream
  // of unknown ids cannot become a stream of queries.
  Result<std::shared_ptr<const CompiledPolicy>> compiled(const std::string& organization_id,
                                                         const std::string& id);

  Result<StoredPolicy> create(const std::string& organization_id,
                              const boost::json::value& document);
  Result<StoredPolicy> update(const std::string& organization_id, const std::string& id,
                              const boost::json::value& document);
  Status remove(const std::string& organization_id, const std::string& id);
  Result<StoredPolicy> get(const std::string& organization_id, const std::string& id);
  Result<std::vector<StoredPolicy>> list(const std::string& organization_id);
  Result<std::vector<PolicyVersion>> versions(const std::string& organization_id,
                                              const std::string& id);
  // Compiles one organization's policies now (a new organization; faster than refresh()).
  Status reloadOrganization(const std::string& organization_id);
  // Makes `id` the organization's default policy.
  Status setDefault(const std::string& organization_id, const std::string& id);

  // The default policy row a new organization starts with (stored by the caller, in the same
  // transaction as the organization). Call reloadOrganization() once it is stored.
  static storage::PolicyRow newDefaultPolicyRow(const std::string& organization_id);

  void onChange(std::function<void(const PolicyEvent&)> listener);
  const detect::Registry& registry() const { return *registry_; }

 private:
  std::shared_ptr<const CompiledPolicy> cached(const std::string& organization_id,
                                               const std::string& id) const;
  bool readThroughAllowed();
  Result<StoredPolicy> fromRow(const storage::PolicyRow& row) const;
  Result<std::shared_ptr<const CompiledPolicy>> compileRow(const storage::PolicyRow& row) const;
  void install(const std::string& organization_id, std::shared_ptr<const CompiledPolicy> compiled);
  void notify(const PolicyEvent& e);

  struct Entry {
    std::string organization_id;
    std::shared_ptr<const CompiledPolicy> compiled;
  };

  storage::PolicyRepository& repo_;
  std::shared_ptr<const detect::Registry> registry_;
  mutable std::shared_mutex mu_;
  std::map<std::string, Entry> cache_;              // by policy id
  std::map<std::string, std::string> default_ids_;  // organization -> its default policy id
  std::vector<std::function<void(const PolicyEvent&)>> listeners_;
  std::mutex read_through_mu_;
  std::int64_t read_through_second_ = 0;
  int read_throughs_ = 0;
};

}  // namespace aisafe::policy
