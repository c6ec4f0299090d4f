#include "cache/lru_cache.h"

#include <algorithm>
#include <functional>

namespace aisafe::cache {

LruCache::LruCache(std::size_t capacity, std::size_t shards, EvictionListener on_evict)
    : per_shard_(std::max<std::size_t>(1, capacity / std::max<std::size_t>(1, shards))),
      shards_(std::max<std::size_t>(1, shards)),
      on_evict_(std::move(on_evict)) {}

LruCache::Shard& LruCache::shardFor(std::string_view key) {
  return shards_[std::hash<std::string_view>{}(key) % shards_.size()];
}

std::optional<std::string> LruCache::get(std::string_view key, Clock::time_point now) {
  Shard& s = shardFor(key);
  std::lock_guard lock(s.mu);
  auto it = s.index.find(key);
  if (it == s.index.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  if (it->second->expires <= now) {
    auto entry = it->second;
    s.index.erase(it);
    s.order.erase(entry);
    expirations_.fetch_add(1, std::memory_order_relaxed);
    misses_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  s.order.splice(s.order.begin(), s.order, it->second);
  hits_.fetch_add(1, std::memory_order_relaxed);
  return it->second->value;
}

void LruCache::put(std::string key, std::string value, std::chrono::milliseconds ttl,
                   Clock::time_point now) {
  Shard& s = shardFor(key);
  std::lock_guard lock(s.mu);
  if (auto it = s.index.find(key); it != s.index.end()) {
    it->second->value = std::move(value);
    it->second->expires = now + ttl;
    s.order.splice(s.order.begin(), s.order, it->second);
    return;
  }
  s.order.push_front(Entry{std::move(key), std::move(value), now + ttl});
  s.index.emplace(s.order.front().key, s.order.begin());
  while (s.order.size() > per_shard_) {
    if (on_evict_) {
      on_evict_(s.order.back().key);
    }
    s.index.erase(s.order.back().key);
    s.order.pop_back();
    evictions_.fetch_add(1, std::memory_order_relaxed);
  }
}

void LruCache::erase(std::string_view key) {
  Shard& s = shardFor(key);
  std::lock_guard lock(s.mu);
  if (auto it = s.index.find(key); it != s.index.end()) {
    auto entry = it->second;
    s.index.erase(it);
    s.order.erase(entry);
  }
}

std::size_t LruCache::eraseByPrefix(std::string_view prefix) {
  std::size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard lock(s.mu);
    for (auto it = s.order.begin(); it != s.order.end();) {
      if (std::string_view(it->key).substr(0, prefix.size()) == prefix) {
        s.index.erase(it->key);
        it = s.order.erase(it);
        ++n;
      } else {
        ++it;
      }
    }
  }
  return n;
}

void LruCache::clear() {
  for (auto& s : shards_) {
    std::lock_guard lock(s.mu);
    s.index.clear();
    s.order.clear();
  }
}

LruStats LruCache::stats() const {
  LruStats st;
  st.hits = hits_.load();
  st.misses = misses_.load();
  st.evictions = evictions_.load();
  st.expirations = expirations_.load();
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mu);
    st.size += s.order.size();
  }
  return st;
}

}  // namespace aisafe::cache
