#include "policy/compiled_policy_cache.h"

#include <algorithm>
#include <mutex>
#include <utility>

namespace aisafe::policy {

CompiledPolicyCache::CompiledPolicyCache(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 1)) {}

std::shared_ptr<const CompiledPolicy> CompiledPolicyCache::find(const std::string& organization_id,
                                                                const std::string& id) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second->organization_id != organization_id) {
    return nullptr;
  }
  const std::uint64_t now = epoch_.load(std::memory_order_relaxed);
  // Written only when it changes: a policy used by every request stays a read-only cache line.
  if (it->second->used.load(std::memory_order_relaxed) != now) {
    it->second->used.store(now, std::memory_order_relaxed);
  }
  return it->second->compiled;
}

std::optional<int> CompiledPolicyCache::version(const std::string& id) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) {
    return std::nullopt;
  }
  return it->second->compiled->version;
}

void CompiledPolicyCache::install(const std::string& organization_id,
                                  std::shared_ptr<const CompiledPolicy> compiled) {
  std::unique_lock lock(mu_);
  const std::uint64_t now = epoch_.fetch_add(1, std::memory_order_relaxed) + 1;
  auto it = entries_.find(compiled->id);
  if (it != entries_.end()) {
    if (it->second->compiled->version <= compiled->version) {
      it->second->organization_id = organization_id;
      it->second->compiled = std::move(compiled);
    }
    it->second->used.store(now, std::memory_order_relaxed);
    return;
  }
  if (entries_.size() >= capacity_) {
    evictLocked();
  }
  const std::string id = compiled->id;
  entries_.emplace(id, std::make_unique<Entry>(organization_id, std::move(compiled), now));
}

void CompiledPolicyCache::evictLocked() {
  const std::size_t target =
      capacity_ - std::max<std::size_t>(capacity_ * kEvictionSlackPercent / 100, 1);
  if (entries_.size() <= target) {
    return;
  }
  std::vector<std::pair<std::uint64_t, const std::string*>> by_age;
  by_age.reserve(entries_.size());
  for (const auto& [id, entry] : entries_) {
    by_age.emplace_back(entry->used.load(std::memory_order_relaxed), &id);
  }
  const std::size_t drop = entries_.size() - target;
  std::nth_element(by_age.begin(), by_age.begin() + static_cast<std::ptrdiff_t>(drop - 1),
                   by_age.end());
  // Copied first: erasing an entry frees the key the pointers refer to.
  std::vector<std::string> victims;
  victims.reserve(drop);
  for (std::size_t i = 0; i < drop; ++i) {
    victims.push_back(*by_age[i].second);
  }
  for (const auto& id : victims) {
    entries_.erase(id);
  }
  evictions_.fetch_add(drop, std::memory_order_relaxed);
}

void CompiledPolicyCache::erase(const std::string& id) {
  std::unique_lock lock(mu_);
  entries_.erase(id);
}

std::size_t CompiledPolicyCache::size() const {
  std::shared_lock lock(mu_);
  return entries_.size();
}

}  // namespace aisafe::policy
