#include "resilience/shared_rate_limiter.h"

#include <algorithm>

namespace aisafe::resilience {
namespace {

// The same arithmetic as gcraStep() in rate_limiter.cc, in Redis, for several keys at once:
// KEYS[i] with ARGV limit, period_ms, cost at 3i-2..3i. Charges all only if all fit. Returns
// {allowed, remaining, reset_ms, retry_after_ms} per key, flattened.
constexpr const char* kGcraScript = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local out, nexts, all_allowed = {}, {}, true
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[3 * i - 2])
  local period = tonumber(ARGV[3 * i - 1])
  local cost = tonumber(ARGV[3 * i])
  local interval = period / limit
  local tat = tonumber(redis.call('GET', key) or '0') or 0
  if tat < now then tat = now end
  local nxt = tat + cost * interval
  local allow_at = nxt - period
  local function remaining_after(x)
    local r = math.floor((period - (x - now)) / interval + 1e-9)
    if r < 0 then return 0 end
    return r
  end
  if allow_at > now + 1e-6 then
    all_allowed = false
    local retry = math.ceil(allow_at - now)
    if cost > limit then retry = period end
    table.insert(out, 0); table.insert(out, remaining_after(tat))
    table.insert(out, math.ceil(tat - now)); table.insert(out, retry)
  else
    nexts[i] = nxt
    table.insert(out, 1); table.insert(out, remaining_after(nxt))
    table.insert(out, math.ceil(nxt - now)); table.insert(out, 0)
  end
end
if all_allowed then
  for i, key in ipairs(KEYS) do
    redis.call('SET', key, string.format('%.4f', nexts[i]), 'PX', math.ceil(nexts[i] - now) + 1)
  end
end
return out
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
    if (!reload && !sha_.empty()) {
      return sha_;
    }
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

Result<std::vector<RateLimitResult>> SharedRateLimiter::consumeInRedis(
    const std::vector<Charge>& charges) {
  std::vector<std::string> args = {"EVALSHA", "", std::to_string(charges.size())};
  for (const auto& c : charges) {
    args.push_back(std::string(kKeyPrefix) + c.key);
  }
  for (const auto& c : charges) {
    args.push_back(std::to_string(c.rule.limit));
    args.push_back(std::to_string(c.rule.period_ms));
    args.push_back(std::to_string(c.cost));
  }
  RedisValue v;
  for (int attempt = 0; attempt < 2; ++attempt) {
    // A Redis restart forgets loaded scripts: NOSCRIPT loads it again, once.
    AISAFE_TRY(args[1], scriptSha(attempt > 0));
    AISAFE_TRY(v, redis_.command(args));
    if (!(v.type == RedisValue::Type::kError && v.str.rfind("NOSCRIPT", 0) == 0)) {
      break;
    }
  }
  if (v.type != RedisValue::Type::kArray || v.elements.size() != 4 * charges.size()) {
    return Status(StatusCode::kUnavailable,
                  "unexpected answer from the rate-limit script: " + v.str, "redis_unavailable");
  }
  std::vector<RateLimitResult> out;
  for (std::size_t i = 0; i < charges.size(); ++i) {
    RateLimitResult r;
    r.allowed = v.elements[4 * i].integer == 1;
    r.limit = charges[i].rule.limit;
    r.remaining = v.elements[4 * i + 1].integer;
    r.reset_ms = v.elements[4 * i + 2].integer;
    r.retry_after_ms = v.elements[4 * i + 3].integer;
    out.push_back(r);
  }
  return out;
}

std::vector<RateLimitResult> SharedRateLimiter::consumeAll(const std::vector<Charge>& charges) {
  std::vector<Charge> limited;  // unlimited charges never reach Redis
  for (const auto& c : charges) {
    if (c.rule.limit > 0) {
      limited.push_back(c);
    }
  }
  std::vector<RateLimitResult> results(charges.size(), RateLimitResult{.allowed = true});
  if (limited.empty()) {
    return results;
  }
  auto place = [&](const std::vector<RateLimitResult>& got) {
    std::size_t j = 0;
    for (std::size_t i = 0; i < charges.size(); ++i) {
      if (charges[i].rule.limit > 0) {
        results[i] = got[j++];
      }
    }
    return results;
  };
  auto shared = consumeInRedis(limited);
  if (shared) {
    return place(*shared);
  }
  if (observer_) {
    observer_(mode_, shared.status());
  }
  std::vector<RateLimitResult> fallback;
  switch (mode_) {
    case FailMode::kOpen:
      for (const auto& c : limited) {
        fallback.push_back({.allowed = true, .limit = c.rule.limit, .remaining = c.rule.limit});
      }
      return place(fallback);
    case FailMode::kClosed:
      for (const auto& c : limited) {
        fallback.push_back({.allowed = false, .limit = c.rule.limit, .unavailable = true});
      }
      return place(fallback);
    case FailMode::kLocal:
      break;
  }
  // This replica's share, so N replicas together stay within the limit.
  std::vector<Charge> shares = limited;
  for (auto& c : shares) {
    c.rule.limit = std::max<std::int64_t>(1, c.rule.limit / replicas_);
  }
  fallback = local_.consumeAll(shares);
  for (std::size_t i = 0; i < fallback.size(); ++i) {
    fallback[i].limit = limited[i].rule.limit;
  }
  return place(fallback);
}

}  // namespace aisafe::resilience
