// Rate limits shared by every replica: the GCRA state lives in Redis and one Lua script reads,
// decides and writes it in a single round trip (atomic; Redis's own clock, so replicas' clocks
// do not matter). When Redis is slow or down (a timeout, or its breaker open) the fail mode
// decides: kLocal counts in process with limit / replicas (so the fleet never admits more than
// the limit), kOpen lets the request through, kClosed refuses it (result.unavailable).
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "resilience/rate_limiter.h"
#include "resilience/redis_client.h"

namespace aisafe::resilience {

enum class FailMode { kLocal, kOpen, kClosed };
// "local", "open", "closed"; false when unknown.
bool parseFailMode(std::string_view text, FailMode& out);
const char* toString(FailMode m);

class SharedRateLimiter final : public RateLimiter {
 public:
  // Called on each decision made without Redis (metrics, rate-limited logging).
  using FallbackObserver = std::function<void(FailMode, const Status& why)>;

  SharedRateLimiter(RedisClient& redis, FailMode mode, int replicas,
                    FallbackObserver observer = {});
  // All of a request's charges in one script call: one round trip, all or nothing.
  std::vector<RateLimitResult> consumeAll(const std::vector<Charge>& charges) override;

 private:
  Result<std::vector<RateLimitResult>> consumeInRedis(const std::vector<Charge>& charges);
  Result<std::string> scriptSha(bool reload);

  RedisClient& redis_;
  FailMode mode_;
  int replicas_;
  FallbackObserver observer_;
  LocalRateLimiter local_;
  std::mutex sha_mu_;
  std::string sha_;
};

}  // namespace aisafe::resilience
