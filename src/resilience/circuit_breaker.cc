#include "resilience/circuit_breaker.h"

namespace aisafe::resilience {

const char* toString(BreakerState s) {
  switch (s) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half_open";
  }
  return "closed";
}

CircuitBreaker::CircuitBreaker(std::string name, BreakerOptions options, Clock clock)
    : name_(std::move(name)), options_(options), clock_(std::move(clock)) {}

std::chrono::steady_clock::time_point CircuitBreaker::now() const {
  return clock_ ? clock_() : std::chrono::steady_clock::now();
}

void CircuitBreaker::moveTo(BreakerState s) {
  if (state_ == s) {
    return;
  }
  state_ = s;
  ++transitions_;
  if (s == BreakerState::kOpen) {
    opened_at_ = now();
  }
  if (s != BreakerState::kHalfOpen) {
    probes_in_flight_ = 0;
  }
}

bool CircuitBreaker::allow() {
  std::lock_guard lock(mu_);
  if (state_ == BreakerState::kOpen) {
    if (now() - opened_at_ < options_.recovery_timeout) {
      ++rejected_;
      return false;
    }
    moveTo(BreakerState::kHalfOpen);
  }
  if (state_ == BreakerState::kHalfOpen) {
    if (probes_in_flight_ >= std::max(1, options_.half_open_probes)) {
      ++rejected_;
      return false;
    }
    ++probes_in_flight_;
  }
  return true;
}

void CircuitBreaker::record(bool ok, std::chrono::nanoseconds elapsed) {
  std::lock_guard lock(mu_);
  if (ok && options_.slow_call.count() > 0 && elapsed > options_.slow_call) {
    ok = false;
  }
  if (ok) {
    ++successes_;
    consecutive_failures_ = 0;
    if (state_ == BreakerState::kHalfOpen) {
      moveTo(BreakerState::kClosed);
    }
    return;
  }
  ++failures_;
  ++consecutive_failures_;
  if (state_ == BreakerState::kHalfOpen ||
      (state_ == BreakerState::kClosed && consecutive_failures_ >= options_.failure_threshold)) {
    moveTo(BreakerState::kOpen);
  }
}

BreakerState CircuitBreaker::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

BreakerSnapshot CircuitBreaker::snapshot() const {
  std::lock_guard lock(mu_);
  BreakerSnapshot s;
  s.name = name_;
  s.state = state_;
  s.consecutive_failures = consecutive_failures_;
  s.successes = successes_;
  s.failures = failures_;
  s.rejected = rejected_;
  s.transitions = transitions_;
  if (state_ == BreakerState::kOpen) {
    s.open_for_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now() - opened_at_).count();
  }
  return s;
}

CircuitBreaker& BreakerRegistry::get(const std::string& name) { return get(name, defaults_); }

CircuitBreaker& BreakerRegistry::get(const std::string& name, const BreakerOptions& options) {
  std::lock_guard lock(mu_);
  auto& slot = breakers_[name];
  if (!slot) {
    slot = std::make_unique<CircuitBreaker>(name, options);
  }
  return *slot;
}

std::vector<BreakerSnapshot> BreakerRegistry::snapshots() const {
  std::lock_guard lock(mu_);
  std::vector<BreakerSnapshot> out;
  out.reserve(breakers_.size());
  for (const auto& [name, b] : breakers_) {
    out.push_back(b->snapshot());
  }
  return out;
}

}  // namespace aisafe::resilience
