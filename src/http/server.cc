#include "http/server.h"

#include <array>
#include <list>
#include <thread>
#include <unordered_set>

#include <boost/asio.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <sys/socket.h>

#include "core/clock.h"
#include "core/request_id.h"
#include "crypto/random_ids.h"
#include "http/response_stream.h"
#include "telemetry/logging.h"
#include "telemetry/span.h"

namespace aisafe::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto kTuple = asio::experimental::as_tuple(use_awaitable);

namespace {

// After an error answer, unread request bytes are drained for this long before closing, so the
// client reads our answer instead of a connection reset.
constexpr auto kLingerTime = std::chrono::milliseconds(500);
constexpr std::size_t kLingerMaxBytes = 8 << 20;

// Room for the first read of each request. It covers most prompts in one read. An idle
// connection holds this much, so 10,000 idle connections hold 80 MB.
constexpr std::size_t kFirstReadBytes = 8 << 10;

using Clock = std::chrono::steady_clock;
constexpr Clock::time_point kNoDeadline = Clock::time_point::max();

// State shared by a connection's coroutine and its timer handler.
struct Connection {
  explicit Connection(tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}
  tcp::socket socket;
  asio::steady_timer timer;
  Clock::time_point deadline = kNoDeadline;  // of the phase in progress (idle, read, write)
  bool waiting = false;                      // the timer has a wait pending
  bool timed_out = false;
};

// A connection's deadline moves three times a request (idle, read, write) but seldom comes
// sooner than the timer's pending wait, so the timer is not re-armed each time: when the wait
// ends it compares the clock with the deadline of the moment and waits again if that is later
// (about once per read timeout on a busy connection). Only a sooner deadline re-arms it at once.
// Re-arming per phase had cost two timer-queue operations and a cancelled handler each time.
void waitForDeadline(const std::shared_ptr<Connection>& c);

void onDeadlineTimer(const std::shared_ptr<Connection>& c, beast::error_code ec) {
  if (ec) {
    return;  // cancelled: a sooner deadline re-armed the timer, or the connection is done
  }
  c->waiting = false;
  if (c->deadline == kNoDeadline) {
    return;
  }
  if (Clock::now() < c->deadline) {
    waitForDeadline(c);
    return;
  }
  // Pending socket operations end with operation_aborted and timed_out is set, so the
  // coroutine can still answer (408) on the open socket.
  c->deadline = kNoDeadline;
  c->timed_out = true;
  beast::error_code ignored;
  c->socket.cancel(ignored);
}

void waitForDeadline(const std::shared_ptr<Connection>& c) {
  c->timer.expires_at(c->deadline);  // cancels a pending wait: its handler sees the abort
  c->waiting = true;
  c->timer.async_wait([c](beast::error_code ec) { onDeadlineTimer(c, ec); });
}

// Gives the phase that starts now `d` to finish.
void arm(const std::shared_ptr<Connection>& c, std::chrono::milliseconds d) {
  c->timed_out = false;
  // Three times a request; a deadline a tick early does not matter (core/clock.h).
  c->deadline = clock::coarseSteadyNow() + d;
  if (!c->waiting || c->deadline < c->timer.expiry()) {
    waitForDeadline(c);
  }
}

// No deadline until the next arm (the pending wait, if any, will find none).
void disarm(const std::shared_ptr<Connection>& c) { c->deadline = kNoDeadline; }

// At the end of a connection, however its coroutine ends: the timer's pending wait holds the
// connection, so end the wait now rather than at its expiry.
struct ReleaseTimer {
  std::shared_ptr<Connection> c;
  ~ReleaseTimer() {
    c->deadline = kNoDeadline;
    try {
      c->timer.cancel();
    } catch (const std::exception&) {
      // Only a broken reactor throws here; the wait then ends at its expiry instead.
    }
  }
};

// A request's answer sent as a stream (response_stream.h) on its connection. While it is open, a
// wait for readability on the socket notices a client that closes: the session does not read
// during a request, so the socket is readable only when the client sent more (a pipelined
// request: the watch stops, writes will notice a close) or closed it (a peeked read of 0 bytes).
class ConnectionStream final : public ResponseStream {
 public:
  ConnectionStream(std::shared_ptr<Connection> c, std::chrono::milliseconds write_timeout,
                   bool keep_alive)
      : c_(std::move(c)), write_timeout_(write_timeout), keep_alive_(keep_alive) {}
  ~ConnectionStream() override { stopWatching(); }
  ConnectionStream(const ConnectionStream&) = delete;
  ConnectionStream& operator=(const ConnectionStream&) = delete;

  // The overrides check the state and hand over to member coroutines that do the writing.
  awaitable<bool> begin(Response head) override {
    if (started_) {
      return answer(false);
    }
    started_ = true;
    watch_ = std::make_shared<Watch>();  // only streamed answers pay for it
    head.erase(bhttp::field::content_length);
    head.body().clear();
    head.chunked(true);
    head.keep_alive(keep_alive_);
    head_ = renderHead(head);
    return sendHead();
  }

  awaitable<bool> write(std::string_view data) override {
    if (!started_ || finished_ || watch_->gone) {
      return answer(false);
    }
    if (data.empty()) {
      return answer(true);
    }
    return sendChunk(data);
  }

  awaitable<bool> finish() override {
    if (!started_ || finished_ || watch_->gone) {
      return answer(false);
    }
    return sendLast();
  }

  bool started() const override { return started_; }
  bool finished() const override { return finished_; }
  bool clientGone() const override { return watch_ && watch_->gone; }
  void onClientGone(std::function<void()> callback) override {
    if (watch_) {
      watch_->on_gone = std::move(callback);
    }
  }

 private:
  struct Watch {
    bool active = false;
    bool gone = false;
    std::function<void()> on_gone;
  };

  static void markGone(Watch& w) {
    w.gone = true;
    w.active = false;
    if (auto callback = std::move(w.on_gone)) {
      w.on_gone = nullptr;
      callback();
    }
  }

  static void watch(const std::shared_ptr<Connection>& c, const std::shared_ptr<Watch>& w) {
    c->socket.async_wait(tcp::socket::wait_read, [c, w](beast::error_code ec) {
      if (!w->active) {
        return;
      }
      if (ec) {
        // Aborted by a write deadline (the write reports it) or the end of the stream.
        if (ec != asio::error::operation_aborted) {
          markGone(*w);
        }
        return;
      }
      char byte = 0;
      const auto n = ::recv(c->socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
        markGone(*w);
      } else if (n < 0) {
        watch(c, w);  // woken without data: wait again
      } else {
        w->active = false;  // a pipelined request: it stays for the session to read
      }
    });
  }

  void stopWatching() {
    if (!watch_) {
      return;
    }
    if (!watch_->active) {
      watch_->on_gone = nullptr;
      return;
    }
    watch_->active = false;
    watch_->on_gone = nullptr;
    beast::error_code ignored;
    c_->socket.cancel(ignored);  // only the watch is pending: the coroutine is here
  }

  static awaitable<bool> answer(bool value) { co_return value; }

  awaitable<bool> sendHead() {
    // Awaited into a variable, never inside a condition: GCC 12 mis-builds the frame of some
    // coroutines with co_await in an if condition.
    const bool sent = co_await send(asio::buffer(head_));
    if (!sent) {
      co_return false;
    }
    watch_->active = true;
    watch(c_, watch_);
    co_return true;
  }

  awaitable<bool> sendChunk(std::string_view data) {
    const bool sent = co_await send(bhttp::make_chunk(asio::buffer(data.data(), data.size())));
    co_return sent;
  }

  awaitable<bool> sendLast() {
    const bool ok = co_await send(bhttp::make_chunk_last());
    finished_ = ok;
    stopWatching();
    co_return ok;
  }

  template <class Buffers>
  awaitable<bool> send(const Buffers& buffers) {
    arm(c_, write_timeout_);
    auto [ec, n] = co_await asio::async_write(c_->socket, buffers, kTuple);
    disarm(c_);
    if (ec) {
      markGone(*watch_);
      co_return false;
    }
    co_return true;
  }

  std::shared_ptr<Connection> c_;
  const std::chrono::milliseconds write_timeout_;
  const bool keep_alive_;
  std::shared_ptr<Watch> watch_;
  std::string head_;
  bool started_ = false;
  bool finished_ = false;
};

struct Worker {
  asio::io_context ioc{1};
  std::unordered_set<Connection*> idle;  // touched only on this worker's thread
};

// Completion handler for connection coroutines: logs an escaped exception.
auto logFailure(const char* what) {
  return [what](const std::exception_ptr& e) {
    if (!e) {
      return;  // completion without an exception hands us a null pointer
    }
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      telemetry::logError("connection coroutine failed", {{"where", what}, {"error", ex.what()}});
    } catch (...) {
      telemetry::logError("connection coroutine failed", {{"where", what}});
    }
  };
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  Router router;
  MiddlewareChain chain;
  RequestObserver observer;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::thread> threads;
  asio::thread_pool blocking_pool;
  asio::thread_pool credential_pool;
  std::atomic<std::size_t> credential_admitted{0};  // running or waiting on the credential lane
  asio::thread_pool outbound_pool;
  std::atomic<std::size_t> outbound_admitted{0};  // running or waiting on the outbound lane
  std::unique_ptr<tcp::acceptor> acceptor;
  std::uint16_t bound_port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> open_connections{0};
  std::atomic<std::size_t> active_requests{0};
  std::size_t next_worker = 0;

  Impl(ServerOptions o, Router r, MiddlewareChain c)
      : options(std::move(o)),
        router(std::move(r)),
        chain(std::move(c)),
        blocking_pool(std::max(1u, options.blocking_threads)),
        credential_pool(std::max(1u, options.credential_threads)),
        outbound_pool(std::max(1u, options.outbound_threads)) {
    for (unsigned i = 0; i < std::max(1u, options.threads); ++i) {
      workers.push_back(std::make_unique<Worker>());
    }
  }

  awaitable<Response> runChain(RequestContext& ctx, const Request& req, const Next& last) {
    try {
      co_return co_await chain.run(ctx, req, last);
    } catch (const std::exception& e) {
      telemetry::logError(
          "unhandled exception in request handler",
          {{"request_id", ctx.request_id}, {"route", ctx.route}, {"error", e.what()}});
    } catch (...) {
      telemetry::logError("unhandled non-standard exception in request handler",
                          {{"request_id", ctx.request_id}, {"route", ctx.route}});
    }
    co_return errorResponse(ctx, Status::internal_server_error, "internal_error",
                            "internal error; quote the request_id when reporting it");
  }

  // The route's handler as the chain's last step.
  static Next lastStep(Handler handler) {
    return
        [handler = std::move(handler)](RequestContext& c, const Request& r) -> awaitable<Response> {
          co_return handler(c, r);
        };
  }

  awaitable<Response> dispatch(RequestContext& ctx, const Request& req) {
    const std::string_view target(req.target().data(), req.target().size());
    const std::string_view path = target.substr(0, target.find('?'));
    RouteMatch m = router.match(req.method(), path);
    Next last;
    if (m.route != nullptr) {
      ctx.route = m.route->pattern;
      ctx.route_tag = m.route->tag;
      ctx.path_params = std::move(m.params);
      last = m.route->async_handler ? Next(m.route->async_handler) : lastStep(m.route->handler);
    } else if (m.status == Status::method_not_allowed) {
      ctx.route = "method_not_allowed";
      last = lastStep([allow = m.allow](RequestContext& c, const Request& r) {
        Response res = errorResponse(
            c, Status::method_not_allowed, "method_not_allowed",
            "method " + std::string(r.method_string()) + " is not allowed here; allowed: " + allow);
        res.set(bhttp::field::allow, allow);
        return res;
      });
    } else {
      ctx.route = "unmatched";
      last = lastStep([](RequestContext& c, const Request&) {
        return errorResponse(c, Status::not_found, "not_found", "no such route");
      });
    }
    ctx.offload = [this](std::function<void()> work) { return offloadToLane(std::move(work)); };
    if (m.route != nullptr && m.route->execution == Execution::kBlocking) {
      co_return co_await asio::co_spawn(blocking_pool, runChain(ctx, req, last), use_awaitable);
    }
    if (m.route != nullptr && m.route->execution == Execution::kCredential) {
      co_return co_await runOnCredentialLane(ctx, req, last);
    }
    co_return co_await runChain(ctx, req, last);
  }

  // A full lane means the remote service is slow for everyone: queueing more would only add
  // latency, so the caller answers without it.
  awaitable<bool> offloadToLane(std::function<void()> work) {
    const std::size_t limit = std::max(1u, options.outbound_threads) + options.outbound_queue;
    if (outbound_admitted.fetch_add(1) >= limit) {
      --outbound_admitted;
      co_return false;
    }
    struct Release {
      std::atomic<std::size_t>& n;
      ~Release() { --n; }
    } release{outbound_admitted};
    {
      // Other requests run on this I/O thread while this one waits: they must not inherit its
      // current span context. Cleared now, this request's own again once it resumes here.
      telemetry::ScopedSpanContext cleared{telemetry::SpanContext{}};
      co_await asio::co_spawn(
          outbound_pool,
          [&work]() -> awaitable<void> {
            work();
            co_return;
          },
          use_awaitable);
    }
    co_return true;
  }

  // Admission first: past the lane's threads plus its queue, the answer is an immediate 503,
  // so a login flood costs a few microseconds per extra request instead of a growing queue.
  awaitable<Response> runOnCredentialLane(RequestContext& ctx, const Request& req,
                                          const Next& last) {
    const std::size_t limit = std::max(1u, options.credential_threads) + options.credential_queue;
    if (credential_admitted.fetch_add(1) >= limit) {
      --credential_admitted;
      Response res = errorResponse(ctx, Status::service_unavailable, "busy",
                                   "too many sign-in requests in progress; retry shortly");
      res.set(bhttp::field::retry_after, "1");
      co_return res;
    }
    struct Release {
      std::atomic<std::size_t>& n;
      ~Release() { --n; }
    } release{credential_admitted};
    co_return co_await asio::co_spawn(credential_pool, runChain(ctx, req, last), use_awaitable);
  }

  // Writes `res` with a deadline; returns false when the write failed.
  // The answer leaves as two buffers, its head rendered into one string and its body as it is
  // (decision 0015).
  awaitable<bool> write(const std::shared_ptr<Connection>& c, Response& res) {
    const std::string head = renderHead(res);
    const std::array<asio::const_buffer, 2> message{asio::buffer(head), asio::buffer(res.body())};
    arm(c, options.read_timeout);
    auto [ec, n] = co_await asio::async_write(c->socket, message, kTuple);
    disarm(c);
    co_return !ec;
  }

  // Answers an error and closes politely: stop sending, drain what the client is still
  // sending for a moment, then close.
  awaitable<void> failAndClose(const std::shared_ptr<Connection>& c, beast::flat_buffer& buffer,
                               RequestContext& ctx, Status status, std::string_view code,
                               std::string_view message) {
    Response res = errorResponse(ctx, status, code, message);
    res.set("X-Request-ID", ctx.request_id);
    res.keep_alive(false);
    if (observer) {
      observer(ctx, nullptr, static_cast<unsigned>(status));
    }
    const bool written = co_await write(c, res);
    beast::error_code ignored;
    if (written) {
      c->socket.shutdown(tcp::socket::shutdown_send, ignored);
      arm(c, kLingerTime);
      std::size_t drained = 0;
      buffer.clear();
      while (drained < kLingerMaxBytes) {
        auto [ec, n] =
            co_await c->socket.async_read_some(buffer.prepare(std::size_t{64} * 1024), kTuple);
        if (ec) {
          break;
        }
        drained += n;
      }
      disarm(c);
    }
    c->socket.close(ignored);
  }

  awaitable<void> session(Worker& w, std::shared_ptr<Connection> c) {
    const ReleaseTimer release_timer{c};
    struct Count {
      std::atomic<std::size_t>& n;
      explicit Count(std::atomic<std::size_t>& x) : n(x) { ++n; }
      ~Count() { --n; }
    } open(open_connections);
    beast::flat_buffer buffer;
    std::string remote;
    {
      beast::error_code ec;
      auto ep = c->socket.remote_endpoint(ec);
      if (!ec) {
        remote = ep.address().to_string();
      }
    }
    for (;;) {
      if (buffer.size() == 0) {  // wait for the first bytes of the next request
        if (stopping) {
          break;
        }
        // A read, not a wait for readability: Asio keeps reads registered with epoll, while each
        // wait costs an epoll_ctl, and one roomy read takes in a typical request whole, where
        // the parser's own reads start at 512 bytes.
        w.idle.insert(c.get());
        arm(c, options.idle_timeout);
        auto [ec, n] = co_await c->socket.async_read_some(buffer.prepare(kFirstReadBytes), kTuple);
        buffer.commit(n);
        w.idle.erase(c.get());
        disarm(c);
        if (ec || stopping) {
          break;
        }
      }
      Count active(active_requests);
      RequestContext ctx;
      ctx.request_id = crypto::newRequestId();
      ctx.remote_address = remote;

      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
      parser.body_limit(options.max_body_bytes);
      arm(c, options.read_timeout);
      auto [ec, n] = co_await bhttp::async_read_header(c->socket, buffer, parser, kTuple);
      bool too_many_fields = false;
      if (!ec) {
        const auto& h = parser.get();
        std::size_t fields = 0;
        for (auto it = h.begin(); it != h.end() && fields <= options.max_header_fields; ++it) {
          ++fields;
        }
        too_many_fields = fields > options.max_header_fields;
      }
      if (!ec && !too_many_fields) {
        const auto& h = parser.get();
        if (auto id = h["X-Request-ID"]; isSaneRequestId(std::string_view(id.data(), id.size()))) {
          ctx.request_id = std::string(id);
        }
        if (beast::iequals(h[bhttp::field::expect], "100-continue") && !parser.is_done()) {
          bhttp::response<bhttp::empty_body> cont{Status::continue_, h.version()};
          auto [wec, wn] = co_await bhttp::async_write(c->socket, cont, kTuple);
          ec = wec;
        }
        if (!ec && !parser.is_done()) {
          auto [rec, rn] = co_await bhttp::async_read(c->socket, buffer, parser, kTuple);
          ec = rec;
        }
      }
      const bool timed_out = c->timed_out;
      disarm(c);
      if (!ec && too_many_fields) {
        co_await failAndClose(c, buffer, ctx, Status::request_header_fields_too_large,
                              "headers_too_large",
                              "the request has more than " +
                                  std::to_string(options.max_header_fields) + " header fields");
        break;
      }
      if (ec) {
        if (timed_out) {
          co_await failAndClose(c, buffer, ctx, Status::request_timeout, "request_timeout",
                                "the request was not received in time");
        } else if (ec == bhttp::error::body_limit) {
          co_await failAndClose(
              c, buffer, ctx, Status::payload_too_large, "payload_too_large",
              "the body is larger than " + std::to_string(options.max_body_bytes) + " bytes");
        } else if (ec == bhttp::error::header_limit) {
          co_await failAndClose(c, buffer, ctx, Status::request_header_fields_too_large,
                                "headers_too_large",
                                "the request headers are larger than " +
                                    std::to_string(options.max_header_bytes) + " bytes");
        } else if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
                   ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
          // The client went away (or we are stopping): nothing to answer.
        } else {
          co_await failAndClose(c, buffer, ctx, Status::bad_request, "malformed_request",
                                "malformed HTTP request: " + ec.message());
        }
        break;
      }

      Request req = parser.release();
      ConnectionStream stream(c, options.read_timeout, req.keep_alive() && !stopping);
      ctx.stream = &stream;
      Response res = co_await dispatch(ctx, req);
      if (stream.started()) {
        // The handler sent its answer itself: only the observer is left to tell.
        if (observer) {
          observer(ctx, &req, res.result_int());
        }
        if (!stream.finished() || !req.keep_alive() || stopping) {
          break;
        }
        continue;
      }
      res.set("X-Request-ID", ctx.request_id);
      res.keep_alive(req.keep_alive() && !stopping);
      const bool keep = res.keep_alive();
      // Counted before the write, so a client that reads /metrics right after its answer
      // already sees its own request.
      if (observer) {
        observer(ctx, &req, res.result_int());
      }
      if (options.batch_writes) {
        // Under load one round of the event loop completes several requests on this thread.
        // Yielding once lets the others run first, so the round's answers leave together: a
        // client on the same host is woken once per batch instead of once per answer, and on
        // loopback that wake-up is paid by our send (decision 0013).
        co_await asio::post(w.ioc, use_awaitable);
      }
      const bool ok = co_await write(c, res);
      if (!ok || !keep) {
        break;
      }
    }
    beast::error_code ignored;
    c->socket.shutdown(tcp::socket::shutdown_both, ignored);
    c->socket.close(ignored);
  }

  awaitable<void> refuse(std::shared_ptr<Connection> c) {
    const ReleaseTimer release_timer{c};
    beast::flat_buffer buffer;
    RequestContext ctx;
    ctx.request_id = crypto::newRequestId();
    co_await failAndClose(c, buffer, ctx, Status::service_unavailable, "too_many_connections",
                          "the server has too many open connections; retry shortly");
  }

  awaitable<void> acceptLoop() {
    for (;;) {
      Worker& w = *workers[next_worker++ % workers.size()];
      auto [ec, socket] = co_await acceptor->async_accept(w.ioc, kTuple);
      if (stopping) {
        co_return;
      }
      if (ec) {
        if (ec == asio::error::operation_aborted) {
          co_return;
        }
        // Out of file descriptors or a transient error: back off instead of spinning.
        telemetry::logWarn("accept failed", {{"error", ec.message()}});
        asio::steady_timer pause(acceptor->get_executor(), std::chrono::milliseconds(50));
        co_await pause.async_wait(kTuple);
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto conn = std::make_shared<Connection>(std::move(socket));
      if (open_connections.load() >= options.max_connections) {
        asio::co_spawn(w.ioc, refuse(std::move(conn)), logFailure("refuse"));
        continue;
      }
      asio::co_spawn(w.ioc, session(w, std::move(conn)), logFailure("session"));
    }
  }
};

Server::Server(ServerOptions options, Router router, MiddlewareChain chain)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), std::move(chain))) {}

// stop() joins threads, which can throw; a destructor must not.
Server::~Server() {
  try {
    stop();
  } catch (const std::exception& e) {
    telemetry::logError("server shutdown failed", {{"error", e.what()}});
  } catch (...) {
    telemetry::logError("server shutdown failed");
  }
}

aisafe::Status Server::listen() {
  try {
    auto& ioc = impl_->workers[0]->ioc;
    const auto address = asio::ip::make_address(impl_->options.host);
    const tcp::endpoint endpoint(address, impl_->options.port);
    impl_->acceptor = std::make_unique<tcp::acceptor>(ioc);
    impl_->acceptor->open(endpoint.protocol());
    impl_->acceptor->set_option(asio::socket_base::reuse_address(true));
    impl_->acceptor->bind(endpoint);
    impl_->acceptor->listen(asio::socket_base::max_listen_connections);
    impl_->bound_port = impl_->acceptor->local_endpoint().port();
  } catch (const std::exception& e) {
    return unavailable("cannot listen on " + impl_->options.host + ":" +
                       std::to_string(impl_->options.port) + ": " + e.what());
  }
  return aisafe::Status::ok();
}

std::uint16_t Server::port() const { return impl_->bound_port; }

void Server::start() {
  asio::co_spawn(impl_->workers[0]->ioc, impl_->acceptLoop(), logFailure("accept"));
  for (auto& w : impl_->workers) {
    impl_->guards.push_back(asio::make_work_guard(w->ioc));
    impl_->threads.emplace_back([&ioc = w->ioc] { ioc.run(); });
  }
}

void Server::stop() {
  if (impl_->stopping.exchange(true)) {
    return;
  }
  if (impl_->threads.empty()) {
    return;
  }
  asio::post(impl_->workers[0]->ioc, [this] {
    beast::error_code ignored;
    impl_->acceptor->close(ignored);
  });
  for (auto& w : impl_->workers) {
    asio::post(w->ioc, [&worker = *w] {
      for (Connection* c : worker.idle) {
        beast::error_code ignored;
        c->socket.cancel(ignored);
      }
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + impl_->options.shutdown_grace;
  while (impl_->active_requests.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& g : impl_->guards) {
    g.reset();
  }
  for (auto& w : impl_->workers) {
    w->ioc.stop();
  }
  for (auto& t : impl_->threads) {
    t.join();
  }
  impl_->threads.clear();
  impl_->blocking_pool.join();
  impl_->credential_pool.join();
  impl_->outbound_pool.join();
}

std::size_t Server::openConnections() const { return impl_->open_connections.load(); }
std::size_t Server::activeRequests() const { return impl_->active_requests.load(); }
void Server::setObserver(RequestObserver observer) { impl_->observer = std::move(observer); }

}  // namespace aisafe::http
