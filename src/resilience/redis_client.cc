#include "resilience/redis_client.h"

#include <boost/url/parse.hpp>
#include <hiredis/hiredis.h>
#include <sys/socket.h>

namespace aisafe::resilience {
namespace {

timeval toTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

RedisValue copy(const redisReply* r) {
  RedisValue v;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      v.type = RedisValue::Type::kInteger;
      v.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      v.type = RedisValue::Type::kString;
      v.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      v.type = RedisValue::Type::kStatus;
      v.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      v.type = RedisValue::Type::kError;
      v.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      v.type = RedisValue::Type::kArray;
      for (std::size_t i = 0; i < r->elements; ++i) {
        v.elements.push_back(copy(r->element[i]));
      }
      break;
    default:
      break;
  }
  return v;
}

Status unavailable(std::string message) {
  return Status(StatusCode::kUnavailable, std::move(message), "redis_unavailable");
}

// Runs one command on `c`; a null result means the connection is broken (error in c->errstr).
std::unique_ptr<redisReply, void (*)(void*)> run(redisContext* c,
                                                 const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  void* reply = redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data());
  return {static_cast<redisReply*>(reply), freeReplyObject};
}

}  // namespace

Result<std::unique_ptr<RedisClient>> RedisClient::create(const RedisOptions& options,
                                                         CircuitBreaker& breaker) {
  auto parsed = boost::urls::parse_uri(options.url);
  if (!parsed || parsed->scheme() != "redis") {
    return invalidArgument("REDIS_URL: expected redis://[:password@]host[:port][/db]");
  }
  std::unique_ptr<RedisClient> c(new RedisClient(options, breaker));
  c->host_ = std::string(parsed->host());
  if (c->host_.empty()) {
    return invalidArgument("REDIS_URL: no host");
  }
  if (parsed->has_port()) {
    c->port_ = static_cast<int>(parsed->port_number());
  }
  if (parsed->has_password()) {
    c->password_ = std::string(parsed->password());
  }
  const std::string path(parsed->path());
  if (path.size() > 1) {
    try {
      c->db_ = std::stoi(path.substr(1));
    } catch (const std::exception&) {
      return invalidArgument("REDIS_URL: the path must be a database number");
    }
  }
  c->endpoint_ = c->host_ + ":" + std::to_string(c->port_);
  return c;
}

RedisClient::~RedisClient() {
  for (redisContext* c : idle_) {
    redisFree(c);
  }
}

Result<redisContext*> RedisClient::connect() {
  redisContext* c =
      redisConnectWithTimeout(host_.c_str(), port_, toTimeval(options_.connect_timeout));
  if (c == nullptr) {
    return unavailable("cannot allocate a Redis connection");
  }
  if (c->err != 0) {
    std::string why = c->errstr;
    redisFree(c);
    return unavailable("Redis at " + endpoint_ + ": " + why);
  }
  redisSetTimeout(c, toTimeval(options_.command_timeout));
  auto check = [&](const std::vector<std::string>& args) -> Status {
    auto r = run(c, args);
    if (!r) {
      return unavailable("Redis at " + endpoint_ + ": " + c->errstr);
    }
    if (r->type == REDIS_REPLY_ERROR) {
      return unavailable("Redis at " + endpoint_ + " refused " + args[0] + ": " +
                         std::string(r->str, r->len));
    }
    return Status::ok();
  };
  Status st;
  if (!password_.empty()) {
    st = check({"AUTH", password_});
  }
  if (st.isOk() && db_ != 0) {
    st = check({"SELECT", std::to_string(db_)});
  }
  if (!st.isOk()) {
    redisFree(c);
    return st;
  }
  return c;
}

void RedisClient::giveBack(redisContext* c) {
  std::lock_guard lock(mu_);
  if (idle_.size() < options_.max_idle) {
    idle_.push_back(c);
    return;
  }
  redisFree(c);
}

Result<RedisValue> RedisClient::command(const std::vector<std::string>& args) {
  if (!breaker_.allow()) {
    return Status(StatusCode::kUnavailable, "Redis circuit breaker is open", "circuit_open");
  }
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::steady_clock::now() - started; };
  redisContext* c = nullptr;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      c = idle_.back();
      idle_.pop_back();
    }
  }
  if (c == nullptr) {
    auto fresh = connect();
    if (!fresh) {
      breaker_.record(false, elapsed());
      return fresh.status();
    }
    c = *fresh;
  }
  auto reply = run(c, args);
  if (!reply) {
    // Timeout or broken connection: this connection's state is unknown, so it goes, and so do
    // the idle ones: after a Redis restart they are all dead, and each would otherwise fail a
    // breaker probe of its own before the pool recovered.
    std::string why = c->errstr;
    redisFree(c);
    std::vector<redisContext*> stale;
    {
      std::lock_guard lock(mu_);
      stale.swap(idle_);
    }
    for (redisContext* old : stale) {
      redisFree(old);
    }
    breaker_.record(false, elapsed());
    return unavailable("Redis at " + endpoint_ + ": " + why);
  }
  RedisValue value = copy(reply.get());
  giveBack(c);
  breaker_.record(true, elapsed());
  return value;
}

RedisSubscription::~RedisSubscription() { redisFree(c_); }

void RedisSubscription::interrupt() { ::shutdown(c_->fd, SHUT_RDWR); }

Result<std::string> RedisSubscription::next() {
  for (;;) {
    void* raw = nullptr;
    if (redisGetReply(c_, &raw) != REDIS_OK || raw == nullptr) {
      return unavailable(std::string("subscription ended: ") + c_->errstr);
    }
    std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw),
                                                       freeReplyObject);
    // ["message", channel, payload]; anything else (subscribe confirmations) is skipped.
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
        reply->element[0]->type == REDIS_REPLY_STRING &&
        std::string_view(reply->element[0]->str, reply->element[0]->len) == "message") {
      return std::string(reply->element[2]->str, reply->element[2]->len);
    }
  }
}

Result<std::unique_ptr<RedisSubscription>> RedisClient::subscribe(const std::string& channel) {
  AISAFE_TRY(redisContext * c, connect());
  auto sub = std::make_unique<RedisSubscription>(c);
  auto reply = run(c, {"SUBSCRIBE", channel});
  if (!reply || reply->type == REDIS_REPLY_ERROR) {
    return unavailable("Redis at " + endpoint_ + ": cannot subscribe to " + channel);
  }
  redisSetTimeout(c, timeval{});  // from now on reads wait for messages as long as it takes
  return sub;
}

}  // namespace aisafe::resilience
