// The semantic detector's client: one classification call to the remote service, through the
// circuit breaker "semantic" (an open breaker answers at once, so a dead service costs nothing)
// and the cache namespace "semantic" (verdicts by text hash, shared by organizations and, with
// Redis, by replicas; identical texts in flight share one call). The bytes travel through a
// Transport (transport.h) that src/app provides; it keeps connections alive. Blocking: call it from
// the outbound lane, never from an I/O thread. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cache/cache_manager.h"
#include "core/status.h"
#include "detect/detector.h"
#include "detectors/semantic/semantic_protocol.h"
#include "detectors/semantic/transport.h"
#include "resilience/circuit_breaker.h"

namespace aisafe::detectors::semantic {

struct ClientOptions {
  std::string url;
  Format format = Format::kOpenAiChat;
  std::string model;
  std::string api_key;  // bearer token; empty: no Authorization header
  std::chrono::milliseconds timeout{1000};
  std::chrono::seconds cache_ttl{600};  // 0: verdicts are not cached
};

class Client {
 public:
  // `transport` is non-null; `breaker` outlives the client; `cache` may be null (no caching) and
  // outlives it too.
  Client(ClientOptions options, std::unique_ptr<const Transport> transport,
         resilience::CircuitBreaker& breaker, cache::CacheManager* cache);

  // The cache is built after the detector registry (it needs Redis); attach it before the
  // first classify(), while nothing else uses the client.
  void attachCache(cache::CacheManager* cache) { cache_ = cache; }

  // The verdict on `text`, by `deadline` at the latest. Errors (kUnavailable) carry a reason:
  // "circuit_open", "timeout", "connect_failed", "http_status", "bad_answer", ...
  Result<Verdict> classify(const detect::RemoteCheck& in) const;

  // The verdict held in this process's cache (L1 only: never a network call), if any.
  std::optional<Verdict> cached(const detect::RemoteCheck& in) const;

  // Changes with the URL, format and model: cached verdicts of another service are not reused.
  const std::string& fingerprint() const { return fingerprint_; }
  const ClientOptions& options() const { return options_; }

 private:
  std::string cacheKey(const detect::RemoteCheck& in) const;
  Result<Verdict> ask(const detect::RemoteCheck& in) const;

  const ClientOptions options_;
  resilience::CircuitBreaker& breaker_;
  cache::CacheManager* cache_;
  std::string fingerprint_;
  const std::unique_ptr<const Transport> transport_;
};

}  // namespace aisafe::detectors::semantic
