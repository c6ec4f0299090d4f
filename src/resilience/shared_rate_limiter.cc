#include "resilience/shared_rate_limiter.h"

#include <algorithm>

namespace aisafe::resilience {
namespace {

// The same arithmetic as gcraStep() in rate_limiter.cc, in Redis. KEYS[1]: the key;
// ARGV: limit, period_ms, cost. Returns {allowed, remaining, reset_ms, retry_after_ms}.
constexpr const char* kGcraScript = R"lua(
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = period / limit
local tat = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tat < now then tat = now end
local nxt = tat + cost * interval
local allow_at = nxt - period
local function remaining_after(x)
  local r = math.floor((period - (x - now)) / interval + 1e-9)
  if r < 0 then return 0 end
  return r
end
if allow_at > now + 1e-6 then
  local retry = math.ceil(allow_at - now)
  if cost > limit then retry = period end
  return {0, remaining_after(tat), math.ceil(tat - now), retry}
end
redis.call('SET', KEYS[1], string.format('%.4f', nxt), 'PX', math.ceil(nxt - now) + 1)
return {1, remaining_after(nxt), math.ceil(nxt - now), 0}
)lua";

constexpr std::string_view kKeyPrefix = "aisafe:rl:";

}  // namespace

bool parseFailMode(std::string_view text, FailMode& out) {
  if (text == "local") {
    out = FailMode::kLocal;
  } else if (text == "open") {
    out = FailMode::kOpen;
  } else if (text == "closed") {
    out = FailMode::kClosed;
  } else {
    return false;
  }
  return true;
}

const char* toString(FailMode m) {
  switch (m) {
    case FailMode::kLocal:
      return "local";
    case FailMode::kOpen:
      return "open";
    case FailMode::kClosed:
      return "closed";
  }
  return "local";
}

SharedRateLimiter::SharedRateLimiter(RedisClient& redis, FailMode mode, int replicas,
                                     FallbackObserver observer)
    : redis_(redis),
      mode_(mode),
      replicas_(std::max(1, replicas)),
      observer_(std::move(observer)) {}

Result<std::string> SharedRateLimiter::scriptSha(bool reload) {
  {
    std::lock_guard lock(sha_mu_);
    if (!reload && !sha_.empty()) return sha_;
  }
  AISAFE_TRY(RedisValue v, redis_.command({"SCRIPT", "LOAD", kGcraScript}));
  if (v.type != RedisValue::Type::kString) {
    return Status(StatusCode::kUnavailable, "Redis refused the rate-limit script: " + v.str,
                  "redis_unavailable");
  }
  std::lock_guard lock(sha_mu_);
  sha_ = v.str;
  return sha_;
}

Result<RateLimitResult> SharedRateLimiter::consumeInRedis(std::string_view key,
                                                          const RateLimitRule& rule,
                                                          std::int64_t cost) {
  const std::string redis_key = std::string(kKeyPrefix) + std::string(key);
  RedisValue v;
  for (int attempt = 0; attempt < 2; ++attempt) {
    // A Redis restart forgets loaded scripts: NOSCRIPT loads it again, once.
    AISAFE_TRY(std::string sha, scriptSha(attempt > 0));
    AISAFE_TRY(v, redis_.command({"EVALSHA", sha, "1", redis_key, std::to_string(rule.limit),
                                  std::to_string(rule.period_ms), std::to_string(cost)}));
    if (!(v.type == RedisValue::Type::kError && v.str.rfind("NOSCRIPT", 0) == 0)) break;
  }
  if (v.type != RedisValue::Type::kArray || v.elements.size() != 4) {
    return Status(StatusCode::kUnavailable,
                  "unexpected answer from the rate-limit script: " + v.str, "redis_unavailable");
  }
  RateLimitResult r;
  r.allowed = v.elements[0].integer == 1;
  r.limit = rule.limit;
  r.remaining = v.elements[1].integer;
  r.reset_ms = v.elements[2].integer;
  r.retry_after_ms = v.elements[3].integer;
  return r;
}

RateLimitResult SharedRateLimiter::consume(std::string_view key, const RateLimitRule& rule,
                                           std::int64_t cost) {
  if (rule.limit <= 0) return RateLimitResult{.allowed = true};
  auto shared = consumeInRedis(key, rule, cost);
  if (shared) return *shared;
  if (observer_) observer_(mode_, shared.status());
  switch (mode_) {
    case FailMode::kOpen:
      return RateLimitResult{.allowed = true, .limit = rule.limit, .remaining = rule.limit};
    case FailMode::kClosed:
      return RateLimitResult{.allowed = false, .limit = rule.limit, .unavailable = true};
    case FailMode::kLocal:
      break;
  }
  // This replica's share, so N replicas together stay within the limit.
  RateLimitRule share = rule;
  share.limit = std::max<std::int64_t>(1, rule.limit / replicas_);
  RateLimitResult r = local_.consume(key, share, cost);
  r.limit = rule.limit;
  return r;
}

}  // namespace aisafe::resilience
