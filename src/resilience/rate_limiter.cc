#include "resilience/rate_limiter.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>

namespace aisafe::resilience {

RateLimitResult gcraStep(double tat_ms, double now_ms, const RateLimitRule& rule, std::int64_t cost,
                         double* new_tat_ms) {
  RateLimitResult r;
  r.limit = rule.limit;
  *new_tat_ms = tat_ms;
  if (rule.limit <= 0) {
    r.remaining = 0;
    return r;
  }
  const double period = static_cast<double>(rule.period_ms);
  const double interval = period / static_cast<double>(rule.limit);
  const double tat = std::max(tat_ms, now_ms);
  const double next = tat + static_cast<double>(cost) * interval;
  const double allow_at = next - period;
  // Units that fit between `t` and the end of the burst window, rounded down.
  auto remaining_after = [&](double t) {
    return std::max<std::int64_t>(
        0, static_cast<std::int64_t>(std::floor((period - (t - now_ms)) / interval + 1e-9)));
  };
  if (allow_at > now_ms + 1e-6) {
    r.allowed = false;
    r.remaining = remaining_after(tat);
    r.reset_ms = static_cast<std::int64_t>(std::ceil(tat - now_ms));
    // A cost above the whole limit never fits; say "one full period" rather than forever.
    r.retry_after_ms = cost > rule.limit ? rule.period_ms
                                         : static_cast<std::int64_t>(std::ceil(allow_at - now_ms));
    return r;
  }
  *new_tat_ms = next;
  r.remaining = remaining_after(next);
  r.reset_ms = static_cast<std::int64_t>(std::ceil(next - now_ms));
  return r;
}

LocalRateLimiter::LocalRateLimiter() : shards_(kShards) {}

std::size_t LocalRateLimiter::shardOf(std::string_view key) const {
  return std::hash<std::string_view>{}(key) % kShards;
}

std::vector<RateLimitResult> LocalRateLimiter::consumeAll(const std::vector<Charge>& charges) {
  const auto now = std::chrono::duration<double, std::milli>(
      std::chrono::steady_clock::now().time_since_epoch());
  return consumeAllAt(charges, now.count());
}

std::vector<RateLimitResult> LocalRateLimiter::consumeAllAt(const std::vector<Charge>& charges,
                                                            double now_ms) {
  // Each charge's shard, hashed once (a request has one to three charges).
  std::vector<std::size_t> shard_of(charges.size());
  std::vector<std::size_t> involved;
  involved.reserve(charges.size());
  for (std::size_t i = 0; i < charges.size(); ++i) {
    if (charges[i].rule.limit > 0) {
      shard_of[i] = shardOf(charges[i].key);
      involved.push_back(shard_of[i]);
    }
  }
  // Every shard involved, locked in index order (no deadlock between two requests).
  std::sort(involved.begin(), involved.end());
  involved.erase(std::unique(involved.begin(), involved.end()), involved.end());
  std::vector<std::unique_lock<std::mutex>> locks;
  locks.reserve(involved.size());
  for (std::size_t i : involved) {
    Shard& shard = shards_[i];
    locks.emplace_back(shard.mu);
    if (shard.tat_ms.size() >= shard.sweep_at) {
      // A key whose TAT has passed is indistinguishable from a new one: drop it.
      std::erase_if(shard.tat_ms, [now_ms](const auto& kv) { return kv.second <= now_ms; });
      shard.sweep_at = std::max<std::size_t>(1024, shard.tat_ms.size() * 2);
    }
  }
  std::vector<RateLimitResult> results;
  results.reserve(charges.size());
  std::vector<double> next(charges.size(), 0.0);
  // The stored TAT of each charge's key, when it has one: found once, written through after
  // (inserting other keys may rehash a map, which moves no element).
  std::vector<double*> stored(charges.size(), nullptr);
  bool all_allowed = true;
  for (std::size_t i = 0; i < charges.size(); ++i) {
    const Charge& c = charges[i];
    if (c.rule.limit <= 0) {
      results.push_back(RateLimitResult{.allowed = true});
      continue;
    }
    auto& map = shards_[shard_of[i]].tat_ms;
    if (auto it = map.find(c.key); it != map.end()) {
      stored[i] = &it->second;
    }
    results.push_back(
        gcraStep(stored[i] != nullptr ? *stored[i] : 0.0, now_ms, c.rule, c.cost, &next[i]));
    all_allowed = all_allowed && results.back().allowed;
  }
  if (!all_allowed) {
    return results;
  }
  for (std::size_t i = 0; i < charges.size(); ++i) {
    if (charges[i].rule.limit <= 0) {
      continue;
    }
    if (stored[i] != nullptr) {
      *stored[i] = next[i];
    } else {
      shards_[shard_of[i]].tat_ms[charges[i].key] = next[i];
    }
  }
  return results;
}

std::size_t LocalRateLimiter::size() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.tat_ms.size();
  }
  return n;
}

}  // namespace aisafe::resilience
