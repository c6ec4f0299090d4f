// Policies as a service: CRUD with versioning over the PolicyRepository, and the cache of
// compiled policies the validation path reads. Compilation happens on write (so an invalid
// policy is refused before it is stored) and the compiled pipeline is swapped atomically;
// requests in flight keep the one they started with.
// Nothing is compiled at start-up but the default organization's default policy: a policy is
// read and compiled at its first use, and at most PolicyServiceOptions::max_compiled stay in
// memory (decision 0025), so start-up takes the same time with ten policies or a million.
// Replicas sharing one database converge through refresh(), which the app calls periodically,
// and refreshOrganization(), which it calls on another replica's announcement: both read only
// the policies changed lately (by updated_at) and recompile those this replica holds.
// Every operation is scoped to an organization: another organization's policy answers
// kNotFound, exactly like a missing one.
// Thread-safe. Methods that touch the database block: call them off the I/O threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "policy/compiled_policy.h"
#include "policy/compiled_policy_cache.h"
#include "policy/miss_budget.h"
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

struct PolicyServiceOptions {
  // Compiled policies kept in memory (POLICY_CACHE_SIZE); the least recently used go past it.
  std::size_t max_compiled = 10'000;
  // Lookups a second, per organization, that may find nothing (MissBudget).
  int misses_per_second = 50;
};

// What the compiled-policy cache did since start (the app's metrics).
struct PolicyCacheStats {
  std::size_t size = 0;
  std::size_t capacity = 0;
  std::uint64_t loads = 0;  // policies read and compiled at their use (first, or after eviction)
  std::uint64_t not_found = 0;  // lookups that found nothing in the database
  std::uint64_t refused = 0;    // lookups answered "not found" without a query (MissBudget)
  std::uint64_t evictions = 0;
};

class PolicyService {
 public:
  // How far back refresh() looks for changes, before the start of the last refresh that
  // succeeded. A change is found by its updated_at, stamped by the writing replica's clock when
  // the write began: the window covers clocks that disagree and writes slow to commit.
  // Re-reading a change already applied costs nothing (versions are compared).
  static constexpr std::int64_t kChangeWindowMs = 60'000;

  PolicyService(storage::PolicyRepository& repo, std::shared_ptr<const detect::Registry> registry,
                PolicyServiceOptions options = {});

  // Compiles the default organization's default policy (/ready reports it) and starts the
  // refresh window. Fails when that policy cannot be compiled (start-up error); an organization
  // without a default is not an error here. Reads one policy, whatever the number stored.
  Status warmUp(const std::string& default_organization_id);
  // Picks up changes made by other replicas: policies changed within the window, deleted ones
  // included. Recompiles those held here, forgets deleted ones and moved defaults. Returns how
  // many compiled policies or defaults changed.
  Result<int> refresh();
  // The same for one organization, at once: another replica announced a change there.
  Result<int> refreshOrganization(const std::string& organization_id);

  // The compiled policy to validate with (empty id: the organization's default). kNotFound
  // when unknown. From memory when held; otherwise read from the database and compiled now
  // (a policy not used since start, one evicted, one made on another replica a moment ago).
  // Reads that find nothing are limited per organization (MissBudget), those that find the
  // policy never are.
  Result<std::shared_ptr<const CompiledPolicy>> compiled(const std::string& organization_id,
                                                         const std::string& id);
  PolicyCacheStats stats() const;

  Result<StoredPolicy> create(const std::string& organization_id,
                              const boost::json::value& document);
  Result<StoredPolicy> update(const std::string& organization_id, const std::string& id,
                              const boost::json::value& document);
  Status remove(const std::string& organization_id, const std::string& id);
  Result<StoredPolicy> get(const std::string& organization_id, const std::string& id);
  Result<std::vector<StoredPolicy>> list(const std::string& organization_id);
  Result<std::vector<PolicyVersion>> versions(const std::string& organization_id,
                                              const std::string& id);
  // Makes `id` the organization's default policy.
  Status setDefault(const std::string& organization_id, const std::string& id);

  // The default policy row a new organization starts with (stored by the caller, in the same
  // transaction as the organization). It is compiled at the organization's first validation.
  static storage::PolicyRow newDefaultPolicyRow(const std::string& organization_id);

  void onChange(std::function<void(const PolicyEvent&)> listener);
  const detect::Registry& registry() const { return *registry_; }

 private:
  // Organizations whose default policy id is remembered at once; past it the map starts over
  // (each is read again at its next use).
  static constexpr std::size_t kMaxDefaultIds = 100'000;

  std::shared_ptr<const CompiledPolicy> cached(const std::string& organization_id,
                                               const std::string& id) const;
  // compiled() for a policy not held here: one query, then a compile.
  Result<std::shared_ptr<const CompiledPolicy>> readThrough(const std::string& organization_id,
                                                            const std::string& id);
  Result<StoredPolicy> fromRow(const storage::PolicyRow& row) const;
  Result<std::shared_ptr<const CompiledPolicy>> compileRow(const storage::PolicyRow& row) const;
  void rememberDefault(const std::string& organization_id, const std::string& id);
  // Applies changes read by refresh() or refreshOrganization(); returns how many mattered here,
  // or the error of a read that failed (the window is then read again next time).
  Result<int> apply(const std::vector<storage::PolicyChangeRow>& changes);
  void notify(const PolicyEvent& e);

  storage::PolicyRepository& repo_;
  std::shared_ptr<const detect::Registry> registry_;
  CompiledPolicyCache cache_;
  MissBudget misses_;
  mutable std::shared_mutex mu_;  // default_ids_, listeners_, refreshed_from_
  // Organization -> its default policy id, for the organizations that asked since start.
  std::unordered_map<std::string, std::string> default_ids_;
  std::vector<std::function<void(const PolicyEvent&)>> listeners_;
  // Start of the last refresh() that succeeded (at first, of warmUp()).
  std::int64_t refreshed_from_ = 0;
  std::atomic<std::uint64_t> loads_{0};
  std::atomic<std::uint64_t> not_found_{0};
  std::atomic<std::uint64_t> refused_{0};
};

}  // namespace aisafe::policy
