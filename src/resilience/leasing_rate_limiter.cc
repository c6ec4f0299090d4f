#include "resilience/leasing_rate_limiter.h"

#include <algorithm>

namespace aisafe::resilience {

LeasingRateLimiter::LeasingRateLimiter(std::unique_ptr<RateLimiter> shared, Options options)
    : shared_(std::move(shared)), options_(options) {}

std::int64_t LeasingRateLimiter::sliceFor(const Charge& c) const {
  if (c.rule.limit <= 0) {
    return 0;
  }
  const auto slice =
      static_cast<std::int64_t>(static_cast<double>(c.rule.limit) * options_.fraction);
  return slice >= 2 * std::max<std::int64_t>(c.cost, 1) ? slice : 0;
}

bool LeasingRateLimiter::tryLeases(const std::vector<Charge>& charges,
                                   std::chrono::steady_clock::time_point now,
                                   std::vector<RateLimitResult>& out) {
  for (const auto& c : charges) {
    if (c.rule.limit <= 0) {
      continue;  // unlimited: nothing to hold
    }
    auto it = leases_.find(c.key);
    if (it == leases_.end() || it->second.expires <= now || it->second.units < c.cost) {
      return false;
    }
  }
  out.clear();
  for (const auto& c : charges) {
    RateLimitResult r;
    if (c.rule.limit > 0) {
      Lease& lease = leases_[c.key];
      lease.units -= c.cost;
      r = lease.granted;
      // What this replica may still pass now: what the fleet had left, plus what it holds.
      r.remaining = std::min(c.rule.limit, lease.granted.remaining + lease.units);
    }
    r.allowed = true;
    r.limit = c.rule.limit;
    out.push_back(r);
  }
  ++served_;
  return true;
}

std::vector<RateLimitResult> LeasingRateLimiter::consumeAll(const std::vector<Charge>& charges) {
  const auto now = std::chrono::steady_clock::now();
  std::vector<RateLimitResult> out;
  {
    std::lock_guard lock(mu_);
    if (tryLeases(charges, now, out)) {
      return out;
    }
  }
  std::vector<Charge> with_slices = charges;
  std::vector<std::int64_t> slices(charges.size(), 0);
  bool any_slice = false;
  for (std::size_t i = 0; i < charges.size(); ++i) {
    slices[i] = sliceFor(charges[i]);
    with_slices[i].cost += slices[i];
    any_slice = any_slice || slices[i] > 0;
  }
  if (any_slice) {
    auto results = shared_->consumeAll(with_slices);
    const bool all_allowed = std::all_of(results.begin(), results.end(),
                                         [](const RateLimitResult& r) { return r.allowed; });
    // A fallback decision (Redis away) is not a slice of the fleet's budget: no leases then.
    const bool from_shared = std::none_of(results.begin(), results.end(),
                                          [](const RateLimitResult& r) { return r.unavailable; });
    if (all_allowed) {
      if (from_shared) {
        std::lock_guard lock(mu_);
        // Expired leases hold nothing: past a few thousand keys they are dropped, so memory
        // follows the keys active in the last second, not every key ever seen.
        if (leases_.size() > options_.sweep_above) {
          std::erase_if(leases_, [&](const auto& entry) { return entry.second.expires <= now; });
        }
        for (std::size_t i = 0; i < charges.size(); ++i) {
          if (slices[i] == 0) {
            continue;
          }
          Lease& lease = leases_[charges[i].key];
          // Units of an expired lease are gone: they were charged and their time has passed.
          if (lease.expires <= now) {
            lease.units = 0;
          }
          lease.units += slices[i];
          lease.expires = now + options_.lease_ttl;
          lease.granted = results[i];
        }
      }
      for (std::size_t i = 0; i < results.size(); ++i) {
        results[i].remaining += slices[i];
      }
      return results;
    }
  }
  // No slice to take, or the fleet cannot spare one: the exact charge decides.
  return shared_->consumeAll(charges);
}

std::size_t LeasingRateLimiter::leaseCount() const {
  std::lock_guard lock(mu_);
  return leases_.size();
}

std::uint64_t LeasingRateLimiter::servedFromLeases() const {
  std::lock_guard lock(mu_);
  return served_;
}

}  // namespace aisafe::resilience
