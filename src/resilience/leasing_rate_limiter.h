// Slices of a shared limit held in process, so most requests need no Redis round trip. A
// request whose keys all hold enough leased units is charged here; otherwise its charges go to
// the shared limiter with a slice added to each (fraction × limit units), and the slices become
// this replica's leases. Refused with the slices, the request is asked again without them, so
// near the limit the decision is exactly the shared one.
//
// Never more than the limit across the fleet: every leased unit was charged in Redis first. The
// price is the other way: units leased and not used before the lease expires (lease_ttl) are
// lost, at most one slice per key and replica per lease_ttl. Limits too small to slice (a slice
// under two of the request's cost) are charged exactly, every time.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "resilience/rate_limiter.h"

namespace aisafe::resilience {

class LeasingRateLimiter final : public RateLimiter {
 public:
  struct Options {
    double fraction = 0.02;  // of a key's limit per slice
    std::chrono::milliseconds lease_ttl{1000};
    std::size_t sweep_above = 4096;  // keys held before expired leases are dropped
  };

  LeasingRateLimiter(std::unique_ptr<RateLimiter> shared, Options options);
  std::vector<RateLimitResult> consumeAll(const std::vector<Charge>& charges) override;

  // Decisions made without a call to the shared limiter (for metrics and tests).
  std::uint64_t servedFromLeases() const;
  // Keys holding a lease entry, expired or not (memory, tests).
  std::size_t leaseCount() const;

 private:
  struct Lease {
    std::int64_t units = 0;
    std::chrono::steady_clock::time_point expires{};
    RateLimitResult granted;  // the shared limiter's answer when the slice was taken
  };

  std::int64_t sliceFor(const Charge& c) const;
  // Charges every charge from its lease, all or nothing; with mu_ held.
  bool tryLeases(const std::vector<Charge>& charges, std::chrono::steady_clock::time_point now,
                 std::vector<RateLimitResult>& out);

  std::unique_ptr<RateLimiter> shared_;
  const Options options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Lease> leases_;
  std::uint64_t served_ = 0;
};

}  // namespace aisafe::resilience
