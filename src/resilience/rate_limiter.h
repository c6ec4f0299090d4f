// Rate limits by GCRA (the generic cell rate algorithm): one number per key, the theoretical
// arrival time (TAT) of the next unit. A limit of L per period P lets through a burst of up to
// L units and then one unit every P/L. Costs may exceed 1 (characters per minute charges the
// length of the text). Unlike a fixed window, there is no boundary at which 2L get through.
//
// RateLimiter is the seam: LocalRateLimiter keeps the TATs in process (one node, or a
// replica's fallback share); a Redis-backed limiter runs the same arithmetic in one script.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace aisafe::resilience {

struct RateLimitRule {
  std::int64_t limit = 0;  // units per period; <= 0 means unlimited
  std::int64_t period_ms = 60'000;
};

struct RateLimitResult {
  bool allowed = true;
  std::int64_t limit = 0;
  std::int64_t remaining = 0;       // units that could still pass now
  std::int64_t reset_ms = 0;        // until the full limit is available again
  std::int64_t retry_after_ms = 0;  // when refused: until this cost would pass
  bool unavailable = false;         // refused because the shared state could not be reached
};

// The GCRA step, pure: given the stored TAT (0 for a new key) and now, decides and returns the
// TAT to store (unchanged when refused). Times in milliseconds, as doubles so that tiny
// emission intervals (millions of characters per minute) do not truncate to zero.
RateLimitResult gcraStep(double tat_ms, double now_ms, const RateLimitRule& rule, std::int64_t cost,
                         double* new_tat_ms);

// One limit to check for a request.
struct Charge {
  std::string key;
  RateLimitRule rule;
  std::int64_t cost = 1;
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Checks every charge at once: if all fit, all are charged; if any does not, none is (so a
  // request refused by its organization's limit does not use up its key's). One result per
  // charge, in order; the refused ones have allowed == false.
  virtual std::vector<RateLimitResult> consumeAll(const std::vector<Charge>& charges) = 0;
  // One charge.
  RateLimitResult consume(std::string_view key, const RateLimitRule& rule, std::int64_t cost) {
    return consumeAll({Charge{std::string(key), rule, cost}}).front();
  }
};

// In process: TATs in a sharded map. Keys whose TAT has passed are swept out as shards grow,
// so memory follows the number of recently active keys.
class LocalRateLimiter final : public RateLimiter {
 public:
  LocalRateLimiter();
  std::vector<RateLimitResult> consumeAll(const std::vector<Charge>& charges) override;
  // With an explicit clock (tests).
  std::vector<RateLimitResult> consumeAllAt(const std::vector<Charge>& charges, double now_ms);
  RateLimitResult consumeAt(std::string_view key, const RateLimitRule& rule, std::int64_t cost,
                            double now_ms) {
    return consumeAllAt({Charge{std::string(key), rule, cost}}, now_ms).front();
  }
  std::size_t size() const;

 private:
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, double> tat_ms;
    std::size_t sweep_at = 1024;
  };
  static constexpr std::size_t kShards = 16;
  std::size_t shardOf(std::string_view key) const;
  std::vector<Shard> shards_;
};

}  // namespace aisafe::resilience
