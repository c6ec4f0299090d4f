// How many policy lookups a second may find nothing, per organization (decision 0025).
// A replica reads a policy it does not hold from the database before answering "not found"
// (PolicyService::compiled()). Lookups that find the policy are never limited: after a restart
// nothing is compiled yet, and every known policy must be served at its first use however many
// arrive at once. Lookups that find nothing are: past `per_second` of them in one second, an
// organization's further unknown ids are answered "not found" without a query, so a stream of
// made-up ids costs the database a bounded number of queries. One organization exhausting its
// budget does not touch another's.
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace aisafe::policy {

class MissBudget {
 public:
  // Organizations remembered at once; past it, windows of past seconds are dropped (and, if all
  // are current, every window: a flood of organizations must not grow memory).
  static constexpr std::size_t kMaxOrganizations = 10'000;

  // `now_ms`: the clock (tests pass a fake one); empty: clock::nowMs().
  explicit MissBudget(int per_second, std::function<std::int64_t()> now_ms = {});

  // True when `organization_id` has used up this second's misses: answer without a query.
  bool exhausted(const std::string& organization_id);
  // Counts a lookup of `organization_id` that found nothing.
  void charge(const std::string& organization_id);

 private:
  struct Window {
    std::int64_t second = 0;
    int misses = 0;
  };
  Window& windowLocked(const std::string& organization_id, std::int64_t second);

  const int per_second_;
  std::function<std::int64_t()> now_ms_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace aisafe::policy
