// L1 (LRU, TTL, prefixes) with an explicit clock; the manager on L1 alone (single flight) and
// on a real redis-server shared by two managers (L2 hits, promotion, invalidation announced to
// the other "replica", recovery after a Redis restart).
#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "cache/cache_manager.h"
#include "support/redis_server.h"

namespace aisafe::cache {
namespace {
using namespace std::chrono_literals;

TEST(LruCacheTest, EvictsTheLeastRecentlyUsedAndExpiresByTtl) {
  LruCache c(3, 1);
  const auto t0 = LruCache::Clock::now();
  c.put("a", "1", 10s, t0);
  c.put("b", "2", 10s, t0);
  c.put("c", "3", 1s, t0);
  ASSERT_EQ(c.get("a", t0), "1");  // a is now the most recent
  c.put("d", "4", 10s, t0);        // evicts b
  EXPECT_FALSE(c.get("b", t0));
  EXPECT_EQ(c.get("c", t0), "3");
  EXPECT_FALSE(c.get("c", t0 + 2s));  // expired
  auto s = c.stats();
  EXPECT_EQ(s.evictions, 1u);
  EXPECT_EQ(s.expirations, 1u);
  EXPECT_EQ(s.size, 2u);
  EXPECT_EQ(s.hits, 2u);
}

TEST(LruCacheTest, ErasesAWholePrefix) {
  LruCache c(100);
  for (int i = 0; i < 10; ++i) c.put("ns1\x1f" + std::to_string(i), "v", 10s);
  c.put(
      "ns2\x1f"
      "0",
      "v", 10s);
  EXPECT_EQ(c.eraseByPrefix("ns1\x1f"), 10u);
  EXPECT_TRUE(
      c.get("ns2\x1f"
            "0"));
}

TEST(CacheManagerTest, ManyMissesOfOneKeyRunTheFallbackOnce) {
  CacheManager m({}, nullptr);
  std::atomic<int> runs{0};
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      auto v = m.get("validation:org", "k", [&]() -> Result<std::string> {
        ++runs;
        std::this_thread::sleep_for(100ms);
        return std::string("value");
      });
      if (v.isOk() && *v == "value") ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(ok.load(), 16);
  EXPECT_EQ(m.stats().loads, 1u);
  EXPECT_EQ(m.stats().coalesced, 15u);
}

// Metrics by namespace family: the part before the first ':' (never an organization id).
TEST(CacheManagerTest, CountsHitsMissesAndEvictionsByNamespaceFamily) {
  CacheManager m({.l1_size = 16}, nullptr);  // 16 shards of one entry: every put may evict
  for (int i = 0; i < 100; ++i)
    m.set("validation:org_" + std::to_string(i % 3), "k" + std::to_string(i), "v");
  m.set("semantic", "key", "verdict");
  EXPECT_TRUE(m.peek("semantic", "key"));
  EXPECT_FALSE(m.peek("validation:org_9", "missing"));
  EXPECT_FALSE(m.peek("api_keys:key_1", "missing"));

  std::map<std::string, NamespaceStats> by;
  std::uint64_t evictions = 0, hits = 0, misses = 0;
  for (const auto& f : m.namespaceStats()) {
    by[f.prefix] = f;
    evictions += f.l1_evictions;
    hits += f.l1_hits;
    misses += f.l1_misses;
  }
  ASSERT_EQ(by.size(), 3u);  // validation, semantic, api_keys: no organization ids
  EXPECT_GE(by["validation"].l1_evictions, 80u);
  EXPECT_EQ(by["semantic"].l1_hits, 1u);
  EXPECT_EQ(by["validation"].l1_misses, 1u);
  EXPECT_EQ(by["api_keys"].l1_misses, 1u);
  const auto total = m.stats().l1;  // the families add up to the whole
  EXPECT_EQ(evictions, total.evictions);
  EXPECT_EQ(hits, total.hits);
  EXPECT_EQ(misses, total.misses);

  for (int i = 0; i < 50; ++i) (void)m.peek("family" + std::to_string(i), "k");
  EXPECT_LE(m.namespaceStats().size(), CacheManager::kMaxNamespaceFamilies + 1);  // "other"
}

TEST(CacheManagerTest, FailedLoadsAreNotCached) {
  CacheManager m({}, nullptr);
  int runs = 0;
  auto failing = [&]() -> Result<std::string> {
    ++runs;
    return Status(StatusCode::kUnavailable, "down", "down");
  };
  EXPECT_FALSE(m.get("ns", "k", failing).isOk());
  EXPECT_FALSE(m.get("ns", "k", failing).isOk());
  EXPECT_EQ(runs, 2);
}

TEST(CacheManagerTest, LocalInvalidationDropsEntriesWithoutCallingListeners) {
  CacheManager m({}, nullptr);
  m.set("api_keys", "h1", "row");
  m.set("api_keys_other", "h1", "row");
  int heard = 0;
  m.onInvalidate("api_keys", [&](const std::string&) { ++heard; });
  m.invalidate("api_keys");
  EXPECT_FALSE(m.peek("api_keys", "h1"));
  EXPECT_TRUE(m.peek("api_keys_other", "h1"));
  EXPECT_EQ(heard, 0);  // listeners are for other replicas' changes
}

class CacheWithRedisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    redis_ = testsupport::RedisServer::start(error);
    ASSERT_NE(redis_, nullptr) << error;
    for (int i = 0; i < 2; ++i) {
      breakers_[i] = std::make_unique<resilience::CircuitBreaker>(
          "redis", resilience::BreakerOptions{.failure_threshold = 100});
      auto c = resilience::RedisClient::create({.url = redis_->url()}, *breakers_[i]);
      ASSERT_TRUE(c.isOk());
      clients_[i] = std::move(c).value();
      managers_[i] =
          std::make_unique<CacheManager>(CacheOptions{.reconnect_every = 100ms}, clients_[i].get());
      managers_[i]->start();
    }
    waitSubscribed();
  }
  void waitSubscribed() {
    for (int i = 0; i < 200; ++i) {
      if (managers_[0]->stats().subscribed && managers_[1]->stats().subscribed) return;
      std::this_thread::sleep_for(10ms);
    }
    FAIL() << "subscribers did not connect";
  }
  template <typename Pred>
  static bool eventually(Pred p) {
    for (int i = 0; i < 200; ++i) {
      if (p()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  std::unique_ptr<testsupport::RedisServer> redis_;
  std::unique_ptr<resilience::CircuitBreaker> breakers_[2];
  std::unique_ptr<resilience::RedisClient> clients_[2];
  std::unique_ptr<CacheManager> managers_[2];
};

TEST_F(CacheWithRedisTest, OneReplicasLoadIsTheOthersL2HitThenL1) {
  auto& a = *managers_[0];
  auto& b = *managers_[1];
  ASSERT_EQ(*a.get("validation:org", "k", [] { return Result<std::string>(std::string("v")); }),
            "v");
  auto from_b = b.get("validation:org", "k", []() -> Result<std::string> {
    ADD_FAILURE() << "should have come from L2";
    return std::string("wrong");
  });
  EXPECT_EQ(*from_b, "v");
  EXPECT_EQ(b.stats().l2_hits, 1u);
  EXPECT_EQ(*b.peek("validation:org", "k"), "v");  // promoted: now an L1 hit
  EXPECT_EQ(b.stats().l1.hits, 1u);
}

TEST_F(CacheWithRedisTest, InvalidationReachesTheOtherReplicaAtOnce) {
  auto& a = *managers_[0];
  auto& b = *managers_[1];
  std::atomic<int> heard_a{0}, heard_b{0};
  a.onInvalidate("policies:", [&](const std::string&) { ++heard_a; });
  b.onInvalidate("policies:", [&](const std::string& ns) {
    EXPECT_EQ(ns, "policies:org_1");
    ++heard_b;
  });
  b.set("policies:org_1", "pol", "v1");
  a.invalidate("policies:org_1");
  EXPECT_TRUE(eventually([&] { return heard_b.load() == 1; }));
  EXPECT_FALSE(b.peek("policies:org_1", "pol"));  // gone from b's L1, and L2 moved on
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(heard_a.load(), 0);  // a ignores its own announcement
}

TEST_F(CacheWithRedisTest, ASubscriberThatLostRedisClearsItsL1WhenItComesBack) {
  auto& b = *managers_[1];
  b.set("api_keys", "h", "row", {.use_l2 = false});
  std::string error;
  ASSERT_TRUE(redis_->restart(error)) << error;
  EXPECT_TRUE(eventually([&] { return !b.peek("api_keys", "h", {.use_l2 = false}); }));
  EXPECT_TRUE(eventually([&] { return b.stats().subscribed; }));
}

TEST_F(CacheWithRedisTest, WithRedisDownTheCacheStillServesFromL1AndLoads) {
  auto& a = *managers_[0];
  redis_->kill();
  EXPECT_EQ(*a.get("ns", "k", [] { return Result<std::string>(std::string("v")); }), "v");
  EXPECT_EQ(*a.peek("ns", "k"), "v");
  EXPECT_GT(a.stats().l2_errors, 0u);
}

}  // namespace
}  // namespace aisafe::cache
