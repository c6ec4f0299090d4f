#include "policy/miss_budget.h"

#include "core/clock.h"

namespace aisafe::policy {

MissBudget::MissBudget(int per_second, std::function<std::int64_t()> now_ms)
    : per_second_(per_second), now_ms_(std::move(now_ms)) {
  if (!now_ms_) {
    now_ms_ = [] { return clock::nowMs(); };
  }
}

MissBudget::Window& MissBudget::windowLocked(const std::string& organization_id,
                                             std::int64_t second) {
  if (windows_.size() >= kMaxOrganizations && windows_.count(organization_id) == 0) {
    std::erase_if(windows_, [second](const auto& kv) { return kv.second.second != second; });
    if (windows_.size() >= kMaxOrganizations) {
      windows_.clear();
    }
  }
  Window& w = windows_[organization_id];
  if (w.second != second) {
    w = Window{second, 0};
  }
  return w;
}

bool MissBudget::exhausted(const std::string& organization_id) {
  const std::int64_t second = now_ms_() / 1000;
  std::lock_guard lock(mu_);
  auto it = windows_.find(organization_id);
  return it != windows_.end() && it->second.second == second && it->second.misses >= per_second_;
}

void MissBudget::charge(const std::string& organization_id) {
  const std::int64_t second = now_ms_() / 1000;
  std::lock_guard lock(mu_);
  ++windowLocked(organization_id, second).misses;
}

}  // namespace aisafe::policy
