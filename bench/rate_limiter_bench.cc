// What a rate-limit check costs on the request path: one GCRA step under a shard lock, for one
// hot key (every request of one organization) and spread over many keys, against a bare
// std::mutex lock/unlock as the floor.
#include <mutex>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "resilience/rate_limiter.h"

namespace {

using aisafe::resilience::LocalRateLimiter;
using aisafe::resilience::RateLimitRule;

void BM_MutexFloor(benchmark::State& state) {
  static std::mutex mu;
  for (auto _ : state) {
    std::lock_guard lock(mu);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_MutexFloor)->Threads(1)->Threads(2);

void BM_ConsumeOneHotKey(benchmark::State& state) {
  static LocalRateLimiter limiter;
  const RateLimitRule rule{.limit = 1'000'000'000};
  for (auto _ : state) benchmark::DoNotOptimize(limiter.consume("rpm:org:default", rule, 1));
}
BENCHMARK(BM_ConsumeOneHotKey)->Threads(1)->Threads(2);

void BM_ConsumeTenThousandKeys(benchmark::State& state) {
  static LocalRateLimiter limiter;
  std::vector<std::string> keys;
  for (int i = 0; i < 10'000; ++i) keys.push_back("rpm:org:org_" + std::to_string(i));
  const RateLimitRule rule{.limit = 1'000'000'000};
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(limiter.consume(keys[i++ % keys.size()], rule, 1));
  }
}
BENCHMARK(BM_ConsumeTenThousandKeys)->Threads(1)->Threads(2);

}  // namespace
