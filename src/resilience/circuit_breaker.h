// Circuit breakers around external calls (Redis, the semantic detector, webhook endpoints):
// after failure_threshold consecutive failures (a call slower than slow_call counts as one) the
// breaker opens and calls are refused at once, so a dead dependency costs nothing; after
// recovery_timeout it lets half_open_probes calls through, and closes on their success or opens
// again on a failure. Callers ask allow() before the call and record() after it.
// Thread-safe. A registry keeps breakers by name for /api/v1/admin/circuit-breakers and metrics.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace aisafe::resilience {

struct BreakerOptions {
  int failure_threshold = 5;
  std::chrono::milliseconds recovery_timeout{60'000};
  int half_open_probes = 1;
  std::chrono::milliseconds slow_call{0};  // 0: no slow-call rule
};

enum class BreakerState { kClosed, kOpen, kHalfOpen };
const char* toString(BreakerState s);

struct BreakerSnapshot {
  std::string name;
  BreakerState state = BreakerState::kClosed;
  int consecutive_failures = 0;
  std::uint64_t successes = 0;
  std::uint64_t failures = 0;
  std::uint64_t rejected = 0;     // calls refused while open
  std::uint64_t transitions = 0;  // state changes since start
  std::int64_t open_for_ms = 0;   // while open: how long so far
};

class CircuitBreaker {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  CircuitBreaker(std::string name, BreakerOptions options, Clock clock = {});

  // True when the call may go ahead; then record() its outcome exactly once.
  bool allow();
  void record(bool ok, std::chrono::nanoseconds elapsed = {});

  BreakerState state() const;
  BreakerSnapshot snapshot() const;
  const std::string& name() const { return name_; }

 private:
  std::chrono::steady_clock::time_point now() const;
  void moveTo(BreakerState s);  // with mu_ held

  const std::string name_;
  const BreakerOptions options_;
  const Clock clock_;
  mutable std::mutex mu_;
  BreakerState state_ = BreakerState::kClosed;
  int consecutive_failures_ = 0;
  int probes_in_flight_ = 0;
  std::chrono::steady_clock::time_point opened_at_{};
  std::uint64_t successes_ = 0, failures_ = 0, rejected_ = 0, transitions_ = 0;
};

class BreakerRegistry {
 public:
  explicit BreakerRegistry(BreakerOptions defaults) : defaults_(defaults) {}
  // The breaker called `name`, made with the defaults on first use. References stay valid.
  CircuitBreaker& get(const std::string& name);
  CircuitBreaker& get(const std::string& name, const BreakerOptions& options);
  std::vector<BreakerSnapshot> snapshots() const;

 private:
  BreakerOptions defaults_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<CircuitBreaker>> breakers_;
};

}  // namespace aisafe::resilience
