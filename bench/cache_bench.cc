// What the shared-state pieces cost per call: an L1 hit, an L2 hit (a Redis round trip on this
// machine), a circuit breaker's allow/record, and a rate-limit check in process and in Redis.
// The Redis cases need REDIS_URL (bench/with_redis.sh starts a throwaway redis-server) and
// are skipped without it.
#include <cstdlib>
#include <string>

#include <benchmark/benchmark.h>

#include "cache/cache_manager.h"
#include "resilience/shared_rate_limiter.h"

namespace {

using namespace aisafe;

const char* redisUrl() { return std::getenv("REDIS_URL"); }

struct RedisFixture {
  resilience::CircuitBreaker breaker{"redis", {.failure_threshold = 1'000'000}};
  std::unique_ptr<resilience::RedisClient> client;
  RedisFixture() {
    auto c = resilience::RedisClient::create({.url = redisUrl()}, breaker);
    if (c) client = std::move(c).value();
  }
};

void BM_CacheL1Hit(benchmark::State& state) {
  cache::CacheManager m({}, nullptr);
  const std::string verdict(600, 'v');
  m.set("validation:org", "key", verdict);
  for (auto _ : state) benchmark::DoNotOptimize(m.peek("validation:org", "key"));
}
BENCHMARK(BM_CacheL1Hit);

void BM_CacheL2Hit(benchmark::State& state) {
  if (redisUrl() == nullptr) {
    state.SkipWithError("REDIS_URL not set");
    return;
  }
  RedisFixture redis;
  cache::CacheManager writer({}, redis.client.get());
  cache::CacheManager reader({}, redis.client.get());
  writer.set("validation:org", "key", std::string(600, 'v'));
  // A zero L1 TTL makes every promotion expire at once: each lookup goes to Redis.
  const cache::GetOptions l2_every_time{.l1_ttl = std::chrono::milliseconds(0)};
  for (auto _ : state)
    benchmark::DoNotOptimize(reader.peek("validation:org", "key", l2_every_time));
}
BENCHMARK(BM_CacheL2Hit);

void BM_BreakerAllowAndRecord(benchmark::State& state) {
  resilience::CircuitBreaker b("bench", {});
  for (auto _ : state) {
    if (b.allow()) b.record(true);
  }
}
BENCHMARK(BM_BreakerAllowAndRecord);

void BM_RateLimitInRedis(benchmark::State& state) {
  if (redisUrl() == nullptr) {
    state.SkipWithError("REDIS_URL not set");
    return;
  }
  RedisFixture redis;
  resilience::SharedRateLimiter limiter(*redis.client, resilience::FailMode::kOpen, 1);
  const resilience::RateLimitRule rule{.limit = 1'000'000'000};
  for (auto _ : state) benchmark::DoNotOptimize(limiter.consume("rpm:org:bench", rule, 1));
}
BENCHMARK(BM_RateLimitInRedis);

}  // namespace
