// The compiled policies one replica keeps in memory, at most `capacity` of them (decision 0025).
// Policies are compiled when first used, not at start-up, so what is here is what traffic asked
// for lately; past the capacity the least recently used go, and come back by being compiled again
// at their next use (PolicyService::compiled()).
// Recency costs the validate path no exclusive lock and no shared write: every install starts a
// new epoch, and a hit copies the current epoch into its entry (an atomic, written only when it
// differs, under the shared lock). Eviction runs in batches when an install finds the cache full,
// and drops the entries with the oldest epochs in one pass over them.
// Thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "policy/compiled_policy.h"

namespace aisafe::policy {

class CompiledPolicyCache {
 public:
  // One eviction pass frees this share of the capacity (at least one entry), so the pass over
  // all entries is paid once per that many installs, not at each.
  static constexpr std::size_t kEvictionSlackPercent = 10;

  explicit CompiledPolicyCache(std::size_t capacity);

  // The policy `id` of `organization_id`, or nullptr (unknown, evicted, or another
  // organization's: ids are global, answers never cross organizations).
  std::shared_ptr<const CompiledPolicy> find(const std::string& organization_id,
                                             const std::string& id) const;
  // The cached version of `id`, if any (refresh compares it with the stored one).
  std::optional<int> version(const std::string& id) const;
  // Stores `compiled` unless a newer version is already here: a slow read-through or refresh
  // must never replace what a write installed meanwhile.
  void install(const std::string& organization_id, std::shared_ptr<const CompiledPolicy> compiled);
  void erase(const std::string& id);

  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }
  std::uint64_t evictions() const { return evictions_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    std::string organization_id;
    std::shared_ptr<const CompiledPolicy> compiled;
    mutable std::atomic<std::uint64_t> used{0};  // epoch of the last find() or install()

    Entry(std::string org, std::shared_ptr<const CompiledPolicy> c, std::uint64_t tick)
        : organization_id(std::move(org)), compiled(std::move(c)), used(tick) {}
  };

  // Drops the least recently used entries until there is room for a batch of installs. Called
  // with mu_ held exclusively.
  void evictLocked();

  const std::size_t capacity_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<Entry>> entries_;  // by policy id
  std::atomic<std::uint64_t> epoch_{0};                              // installs so far
  std::atomic<std::uint64_t> evictions_{0};
};

}  // namespace aisafe::policy
