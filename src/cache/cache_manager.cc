#include "cache/cache_manager.h"

#include "crypto/random_ids.h"
#include "telemetry/logging.h"

namespace aisafe::cache {
namespace {

constexpr const char* kChannel = "aisafe:cache:invalidate";
constexpr char kSeparator = '\x1f';  // cannot appear in our namespaces

std::string generationKey(const std::string& ns) { return "aisafe:cgen:" + ns; }

}  // namespace

CacheManager::CacheManager(CacheOptions options, resilience::RedisClient* redis)
    : options_(options),
      redis_(redis),
      instance_(crypto::randomId("cache_")),
      l1_(options_.l1_size, 16, [this](std::string_view key) {
        // An L1 key is "<namespace><separator><key>".
        family(key.substr(0, key.find(kSeparator))).l1_evictions.fetch_add(1);
      }) {}

CacheManager::FamilyCounters& CacheManager::family(std::string_view ns) {
  std::string_view prefix = ns.substr(0, ns.find(':'));
  std::lock_guard lock(families_mu_);
  auto it = families_.find(prefix);
  if (it != families_.end()) {
    return *it->second;
  }
  if (families_.size() >= kMaxNamespaceFamilies) {
    prefix = "other";
  }
  auto& slot = families_[std::string(prefix)];
  if (!slot) {
    slot = std::make_unique<FamilyCounters>();
  }
  return *slot;
}

std::vector<NamespaceStats> CacheManager::namespaceStats() const {
  std::vector<NamespaceStats> out;
  std::lock_guard lock(families_mu_);
  for (const auto& [prefix, c] : families_) {
    out.push_back({prefix, c->l1_hits.load(), c->l1_misses.load(), c->l1_evictions.load(),
                   c->l2_hits.load(), c->l2_misses.load()});
  }
  return out;
}

CacheManager::~CacheManager() { stop(); }

std::string CacheManager::l1Key(const std::string& ns, const std::string& key) const {
  std::string k;
  k.reserve(ns.size() + 1 + key.size());
  k += ns;
  k += kSeparator;
  k += key;
  return k;
}

std::optional<std::string> CacheManager::l2Key(const std::string& ns, const std::string& key) {
  if (redis_ == nullptr) {
    return std::nullopt;
  }
  std::string generation;
  {
    std::lock_guard lock(gen_mu_);
    if (auto it = generations_.find(ns); it != generations_.end()) {
      generation = it->second;
    }
  }
  if (generation.empty()) {
    auto v = redis_->command({"GET", generationKey(ns)});
    if (!v) {
      ++l2_errors_;
      return std::nullopt;  // unknown generation: skip L2 rather than risk a stale entry
    }
    generation = v->type == resilience::RedisValue::Type::kString ? v->str : "0";
    std::lock_guard lock(gen_mu_);
    generations_.emplace(ns, generation);
  }
  return "aisafe:c:" + ns + ":" + generation + ":" + key;
}

std::optional<std::string> CacheManager::peek(const std::string& ns, const std::string& key,
                                              const GetOptions& options) {
  const std::string k1 = l1Key(ns, key);
  FamilyCounters& counts = family(ns);
  if (auto v = l1_.get(k1)) {
    counts.l1_hits.fetch_add(1, std::memory_order_relaxed);
    return v;
  }
  counts.l1_misses.fetch_add(1, std::memory_order_relaxed);
  if (!options.use_l2) {
    return std::nullopt;
  }
  auto k2 = l2Key(ns, key);
  if (!k2) {
    return std::nullopt;
  }
  auto v = redis_->command({"GET", *k2});
  if (!v) {
    ++l2_errors_;
    return std::nullopt;
  }
  if (v->type != resilience::RedisValue::Type::kString) {
    ++l2_misses_;
    counts.l2_misses.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  ++l2_hits_;
  counts.l2_hits.fetch_add(1, std::memory_order_relaxed);
  l1_.put(k1, v->str, options.l1_ttl.value_or(options_.l1_ttl));  // promote
  return std::move(v->str);
}

Result<std::string> CacheManager::get(const std::string& ns, const std::string& key,
                                      const Fallback& fallback, const GetOptions& options) {
  if (auto v = peek(ns, key, options)) {
    return std::move(*v);
  }
  const std::string k1 = l1Key(ns, key);
  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    std::lock_guard lock(flights_mu_);
    auto& slot = flights_[k1];
    if (!slot) {
      slot = std::make_shared<Flight>();
      leader = true;
    }
    flight = slot;
  }
  if (!leader) {
    ++coalesced_;
    std::unique_lock lock(flight->mu);
    flight->cv.wait(lock, [&] { return flight->result.has_value(); });
    return *flight->result;
  }
  ++loads_;
  Result<std::string> result = fallback();
  if (result.isOk()) {
    set(ns, key, *result, options);
  }
  {
    std::lock_guard lock(flights_mu_);
    flights_.erase(k1);
  }
  {
    std::lock_guard lock(flight->mu);
    flight->result = result;
  }
  flight->cv.notify_all();
  return result;
}

void CacheManager::set(const std::string& ns, const std::string& key, std::string value,
                       const GetOptions& options) {
  if (options.use_l2) {
    if (auto k2 = l2Key(ns, key)) {
      const auto ttl = options.l2_ttl.value_or(options_.l2_ttl);
      if (!redis_->command({"SET", *k2, value, "PX", std::to_string(ttl.count())})) {
        ++l2_errors_;
      }
    }
  }
  l1_.put(l1Key(ns, key), std::move(value), options.l1_ttl.value_or(options_.l1_ttl));
}

void CacheManager::erase(const std::string& ns, const std::string& key) {
  l1_.erase(l1Key(ns, key));
  if (auto k2 = l2Key(ns, key)) {
    if (!redis_->command({"DEL", *k2})) {
      ++l2_errors_;
    }
  }
}

void CacheManager::dropLocal(const std::string& ns, const std::string& generation) {
  ++invalidations_;
  l1_.eraseByPrefix(ns + kSeparator);
  std::lock_guard lock(gen_mu_);
  if (generation.empty()) {
    generations_.erase(ns);
  } else {
    generations_[ns] = generation;
  }
}

void CacheManager::applyInvalidation(const std::string& ns, const std::string& generation) {
  dropLocal(ns, generation);
  std::vector<Listener> matching;
  {
    std::lock_guard lock(listeners_mu_);
    for (const auto& [prefix, listener] : listeners_) {
      if (ns.rfind(prefix, 0) == 0) {
        matching.push_back(listener);
      }
    }
  }
  for (const auto& l : matching) {
    l(ns);
  }
}

void CacheManager::invalidate(const std::string& ns) {
  std::string generation;
  if (redis_ != nullptr) {
    auto g = redis_->command({"INCR", generationKey(ns)});
    if (g && g->type == resilience::RedisValue::Type::kInteger) {
      generation = std::to_string(g->integer);
      if (!redis_->command({"PUBLISH", kChannel, ns + "\n" + generation + "\n" + instance_})) {
        ++l2_errors_;
      }
    } else {
      ++l2_errors_;
      telemetry::logWarn("cache invalidation not announced: Redis unavailable",
                         {{"namespace", ns}});
    }
  }
  dropLocal(ns, generation);
}

void CacheManager::onInvalidate(std::string prefix, Listener listener) {
  std::lock_guard lock(listeners_mu_);
  listeners_.emplace_back(std::move(prefix), std::move(listener));
}

void CacheManager::start() {
  if (redis_ == nullptr || subscriber_.joinable()) {
    return;
  }
  subscriber_ = std::thread([this] { subscriberLoop(); });
}

void CacheManager::stop() {
  stopping_ = true;
  if (!subscriber_.joinable()) {
    return;
  }
  {
    std::lock_guard lock(sub_mu_);
    if (subscription_) {
      subscription_->interrupt();
    }
  }
  subscriber_.join();
}

void CacheManager::subscriberLoop() {
  bool first = true;
  while (!stopping_) {
    auto sub = redis_->subscribe(kChannel);
    if (!sub) {
      subscribed_ = false;
      // Sleep in small steps so stop() is not kept waiting.
      for (auto waited = std::chrono::milliseconds(0);
           waited < options_.reconnect_every && !stopping_;
           waited += std::chrono::milliseconds(50)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      continue;
    }
    {
      std::lock_guard lock(sub_mu_);
      subscription_ = std::move(*sub);
    }
    if (stopping_) {
      break;
    }
    subscribed_ = true;
    if (!first) {
      // Announcements may have been missed while disconnected: forget everything local.
      l1_.clear();
      std::lock_guard lock(gen_mu_);
      generations_.clear();
      telemetry::logInfo("cache subscriber reconnected; L1 cleared", {});
    }
    first = false;
    for (;;) {
      auto message = subscription_->next();
      if (!message) {
        break;
      }
      // "namespace\ngeneration\ninstance"; our own announcements were applied already.
      const auto nl1 = message->find('\n');
      const auto nl2 = nl1 == std::string::npos ? nl1 : message->find('\n', nl1 + 1);
      if (nl2 == std::string::npos ||
          message->compare(nl2 + 1, std::string::npos, instance_) == 0) {
        continue;
      }
      applyInvalidation(message->substr(0, nl1), message->substr(nl1 + 1, nl2 - nl1 - 1));
    }
    subscribed_ = false;
    std::lock_guard lock(sub_mu_);
    subscription_.reset();
  }
}

CacheStats CacheManager::stats() const {
  CacheStats s;
  s.l1 = l1_.stats();
  s.l2_hits = l2_hits_.load();
  s.l2_misses = l2_misses_.load();
  s.l2_errors = l2_errors_.load();
  s.loads = loads_.load();
  s.coalesced = coalesced_.load();
  s.invalidations = invalidations_.load();
  s.l2_enabled = redis_ != nullptr;
  s.subscribed = subscribed_.load();
  return s;
}

}  // namespace aisafe::cache
