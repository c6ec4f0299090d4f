// A small synchronous Redis client over hiredis for the request path: a pool of connections,
// short connect and command timeouts (tens of milliseconds), and a circuit breaker, so that a
// slow or dead Redis costs a request at most one timeout and, once the breaker is open, nothing.
// Everything aisafe keeps in Redis may be lost (counters, cache, fan-out): callers fall back.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "resilience/circuit_breaker.h"

struct redisContext;

namespace aisafe::resilience {

struct RedisOptions {
  std::string url;  // redis://[:password@]host[:port][/db]
  std::chrono::milliseconds connect_timeout{100};
  std::chrono::milliseconds command_timeout{50};
  std::size_t max_idle = 8;  // connections kept open between calls
};

// A reply, copied out of hiredis. Error replies are values too (kError with the message).
struct RedisValue {
  enum class Type { kNil, kInteger, kString, kStatus, kError, kArray };
  Type type = Type::kNil;
  long long integer = 0;
  std::string str;
  std::vector<RedisValue> elements;
};

// A dedicated connection subscribed to one channel. next() blocks until a message arrives;
// interrupt() (from another thread) makes it return an error, to stop.
class RedisSubscription {
 public:
  explicit RedisSubscription(redisContext* c) : c_(c) {}
  ~RedisSubscription();
  RedisSubscription(const RedisSubscription&) = delete;
  RedisSubscription& operator=(const RedisSubscription&) = delete;

  // The next message's payload; kUnavailable when the connection broke or was interrupted.
  Result<std::string> next();
  void interrupt();

 private:
  redisContext* c_;
};

class RedisClient {
 public:
  // Checks the URL only: Redis need not be up yet. `breaker` outlives the client.
  static Result<std::unique_ptr<RedisClient>> create(const RedisOptions& options,
                                                     CircuitBreaker& breaker);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Runs one command. kUnavailable with reason "redis_unavailable" (connect, timeout, I/O) or
  // "circuit_open" (not tried); a Redis error reply is a value of type kError.
  Result<RedisValue> command(const std::vector<std::string>& args);

  // A new connection subscribed to `channel` (not through the breaker: it is one long call).
  Result<std::unique_ptr<RedisSubscription>> subscribe(const std::string& channel);

  const std::string& endpoint() const { return endpoint_; }

 private:
  RedisClient(RedisOptions options, CircuitBreaker& breaker)
      : options_(std::move(options)), breaker_(breaker) {}
  Result<redisContext*> connect();
  void giveBack(redisContext* c);

  RedisOptions options_;
  CircuitBreaker& breaker_;
  std::string host_;
  int port_ = 6379;
  std::string password_;
  int db_ = 0;
  std::string endpoint_;  // host:port, for logs (never the password)
  std::mutex mu_;
  std::vector<redisContext*> idle_;
};

}  // namespace aisafe::resilience
