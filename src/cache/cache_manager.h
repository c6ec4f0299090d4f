// The two-level cache: L1 in process (LruCache), L2 in Redis (shared by replicas, optional).
// get(namespace, key, fallback) looks in L1, then L2 (a hit is copied into L1), and on a miss
// runs the fallback once however many requests miss the same key together (single flight).
//
// invalidate(namespace) reaches every replica: the namespace's L2 generation is bumped in
// Redis (old L2 entries become unreachable and expire) and announced on a pub/sub channel; each
// other replica's subscriber drops its L1 entries of that namespace and runs the listeners
// registered for it (its API key cache, its policy cache: state that lives outside this
// cache). A subscriber that loses Redis clears its whole L1 when it reconnects, because it may
// have missed announcements.
// Without Redis everything works on L1 alone. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cache/lru_cache.h"
#include "core/status.h"
#include "resilience/redis_client.h"

namespace aisafe::cache {

struct CacheOptions {
  std::size_t l1_size = 10'000;
  std::chrono::milliseconds l1_ttl{60'000};
  std::chrono::milliseconds l2_ttl{300'000};
  std::chrono::milliseconds reconnect_every{1000};  // the subscriber's retry when Redis is away
};

struct CacheStats {
  LruStats l1;
  std::uint64_t l2_hits = 0, l2_misses = 0, l2_errors = 0;
  std::uint64_t loads = 0;      // fallbacks run
  std::uint64_t coalesced = 0;  // misses that waited for another request's fallback
  std::uint64_t invalidations = 0;
  bool l2_enabled = false;
  bool subscribed = false;
};

// Lookups of one namespace family: the namespace up to its first ':' ("validation" for
// "validation:<organization id>"), so the set of families is fixed by the code, not by tenants.
struct NamespaceStats {
  std::string prefix;
  std::uint64_t l1_hits = 0, l1_misses = 0, l1_evictions = 0;
  std::uint64_t l2_hits = 0, l2_misses = 0;
};

struct GetOptions {
  bool use_l2 = true;  // false where a Redis round trip costs more than the fallback
  std::optional<std::chrono::milliseconds> l1_ttl, l2_ttl;
};

class CacheManager {
 public:
  using Fallback = std::function<Result<std::string>()>;
  using Listener = std::function<void(const std::string& ns)>;

  // `redis` may be null (L1 only); it outlives the manager.
  CacheManager(CacheOptions options, resilience::RedisClient* redis);
  ~CacheManager();  // stop()s
  CacheManager(const CacheManager&) = delete;
  CacheManager& operator=(const CacheManager&) = delete;

  Result<std::string> get(const std::string& ns, const std::string& key, const Fallback& fallback,
                          const GetOptions& options = {});
  // L1 then L2, without a fallback.
  std::optional<std::string> peek(const std::string& ns, const std::string& key,
                                  const GetOptions& options = {});
  void set(const std::string& ns, const std::string& key, std::string value,
           const GetOptions& options = {});
  void erase(const std::string& ns, const std::string& key);
  // Here at once, on other replicas as soon as the announcement arrives (when Redis is up).
  void invalidate(const std::string& ns);

  // Called on the subscriber's thread when another replica invalidates a namespace starting
  // with `prefix` (the replica that invalidates has already updated its own state).
  void onInvalidate(std::string prefix, Listener listener);

  // Starts the subscriber thread (no-op without Redis); stop() ends it.
  void start();
  void stop();

  CacheStats stats() const;
  // Hits, misses and evictions per namespace family (metrics); ordered by prefix.
  std::vector<NamespaceStats> namespaceStats() const;

  // Families past this many share the prefix "other": a bug that puts an id before the first
  // ':' must not grow the metrics without bound.
  static constexpr std::size_t kMaxNamespaceFamilies = 32;

 private:
  struct Flight {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Result<std::string>> result;
  };

  struct FamilyCounters {
    std::atomic<std::uint64_t> l1_hits{0}, l1_misses{0}, l1_evictions{0}, l2_hits{0}, l2_misses{0};
  };
  // The counters of the family of `ns` (created on first use). Never called with a shard of
  // L1 locked except from the eviction listener, which takes only families_mu_.
  FamilyCounters& family(std::string_view ns);

  std::string l1Key(const std::string& ns, const std::string& key) const;
  void dropLocal(const std::string& ns, const std::string& generation);
  std::optional<std::string> l2Key(const std::string& ns, const std::string& key);
  void applyInvalidation(const std::string& ns, const std::string& generation);
  void subscriberLoop();

  CacheOptions options_;
  resilience::RedisClient* redis_;
  const std::string instance_;  // tells our own announcements apart from other replicas'
  mutable std::mutex families_mu_;
  std::map<std::string, std::unique_ptr<FamilyCounters>, std::less<>> families_;
  LruCache l1_;  // after families_: its eviction listener counts there

  std::mutex flights_mu_;
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights_;

  std::mutex gen_mu_;
  std::map<std::string, std::string> generations_;  // ns -> L2 generation, as Redis has it

  std::mutex listeners_mu_;
  std::vector<std::pair<std::string, Listener>> listeners_;

  std::atomic<std::uint64_t> l2_hits_{0}, l2_misses_{0}, l2_errors_{0}, loads_{0}, coalesced_{0},
      invalidations_{0};
  std::atomic<bool> stopping_{false}, subscribed_{false};
  std::mutex sub_mu_;  // guards subscription_ between the subscriber thread and stop()
  std::unique_ptr<resilience::RedisSubscription> subscription_;
  std::thread subscriber_;
};

}  // namespace aisafe::cache
