// L1: an in-process cache of byte strings with a TTL per entry and LRU eviction, split into
// shards (each its own mutex, list and map) so concurrent requests rarely contend. Capacity is
// in entries, divided evenly among the shards. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace aisafe::cache {

struct LruStats {
  std::uint64_t hits = 0, misses = 0, evictions = 0, expirations = 0;
  std::size_t size = 0;
};

class LruCache {
 public:
  using Clock = std::chrono::steady_clock;
  // Told the key of each entry evicted to make room (not expired or erased ones), under the
  // shard's lock: it must be quick and must not call back into the cache.
  using EvictionListener = std::function<void(std::string_view key)>;

  explicit LruCache(std::size_t capacity, std::size_t shards = 16, EvictionListener on_evict = {});

  std::optional<std::string> get(std::string_view key, Clock::time_point now = Clock::now());
  void put(std::string key, std::string value, std::chrono::milliseconds ttl,
           Clock::time_point now = Clock::now());
  void erase(std::string_view key);
  // Drops every entry whose key starts with `prefix` (a whole namespace).
  std::size_t eraseByPrefix(std::string_view prefix);
  void clear();

  LruStats stats() const;

 private:
  struct Entry {
    std::string key;
    std::string value;
    Clock::time_point expires;
  };
  struct Shard {
    mutable std::mutex mu;
    std::list<Entry> order;  // front: most recently used
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index;  // views into order
  };
  Shard& shardFor(std::string_view key);

  std::size_t per_shard_;
  std::vector<Shard> shards_;
  EvictionListener on_evict_;
  std::atomic<std::uint64_t> hits_{0}, misses_{0}, evictions_{0}, expirations_{0};
};

}  // namespace aisafe::cache
