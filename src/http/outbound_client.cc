// One coroutine per call on the connection's io_context: resolve, filter addresses, connect,
// optional TLS handshake (skipped on a kept-alive connection), write, read. The deadline is a
// single steady timer that closes the socket, so whatever step is waiting fails with
// operation_aborted and the call returns "timeout".
#include "http/outbound_client.h"

#include <algorithm>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "http/outbound_target.h"

namespace aisafe::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

using Target = OutboundTarget;

Status failure(std::string reason, std::string message) {
  return Status(StatusCode::kUnavailable, std::move(message), std::move(reason));
}

}  // namespace

// One connection and the io_context its operations run on: the calling thread runs it for the
// length of a call, so a pooled connection moves between threads between calls, never during.
struct OutboundPool::Connection {
  explicit Connection(std::string o) : origin(std::move(o)) {}
  tcp::socket& socket() { return tls ? tls->next_layer() : plain; }

  const std::string origin;
  asio::io_context ioc;
  tcp::socket plain{ioc};
  std::optional<asio::ssl::context> ssl_ctx;
  std::optional<asio::ssl::stream<tcp::socket>> tls;
  bool connected = false;
  std::chrono::steady_clock::time_point idle_since{};
};

namespace {

using Connection = OutboundPool::Connection;

class Call {
 public:
  // `keep_alive`: ask the server to keep the connection open and leave it open afterwards.
  Call(const OutboundRequest& request, const Target& target, Connection& conn, bool keep_alive,
       std::chrono::steady_clock::time_point deadline)
      : request_(request),
        target_(target),
        conn_(conn),
        keep_alive_(keep_alive),
        deadline_at_(deadline),
        resolver_(conn.ioc),
        deadline_(conn.ioc) {}

  Result<OutboundResponse> run() {
    const auto started = std::chrono::steady_clock::now();
    std::optional<Result<OutboundResponse>> result;
    deadline_.expires_at(deadline_at_);
    deadline_.async_wait([this](beast::error_code ec) {
      if (!ec) {
        timed_out_ = true;
        beast::error_code ignored;
        conn_.socket().close(ignored);
        resolver_.cancel();
      }
    });
    asio::co_spawn(
        conn_.ioc, [&]() -> asio::awaitable<void> { result.emplace(co_await exchange()); },
        [&](const std::exception_ptr& e) {
          deadline_.cancel();
          if (e && !result) {
            result.emplace(failure("bad_response", "unexpected error in the HTTP exchange"));
          }
        });
    conn_.ioc.run();
    conn_.ioc.restart();  // the connection may serve another call
    if (!result) {
      return failure("bad_response", "the HTTP exchange did not complete");
    }
    if (result->isOk()) {
      result->value().elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
    }
    return std::move(*result);
  }

  // The answer was read whole and the server keeps the connection open.
  bool reusable() const { return reusable_ && !timed_out_; }
  // An already open connection failed before any byte of an answer arrived: the server had
  // closed it while it sat idle, so the request never reached an application.
  bool failedBeforeAnswer() const { return failed_before_answer_ && !timed_out_; }

 private:
  Status stepError(std::string_view step, const beast::error_code& ec) {
    if (timed_out_) {
      const auto budget = std::chrono::duration_cast<std::chrono::milliseconds>(request_.timeout);
      return failure("timeout", "no answer within " + std::to_string(budget.count()) + " ms");
    }
    return failure(step == "tls"       ? "tls_failed"
                   : step == "connect" ? "connect_failed"
                                       : "bad_response",
                   std::string(step) + " failed: " + ec.message());
  }

  asio::awaitable<Status> connect() {
    auto [rec, endpoints] = co_await resolver_.async_resolve(target_.host, target_.port, kTuple);
    if (rec) {
      co_return stepError("connect", rec);
    }
    std::vector<tcp::endpoint> allowed;
    for (const auto& e : endpoints) {
      if (!request_.allow_address || request_.allow_address(e.endpoint().address())) {
        allowed.push_back(e.endpoint());
      }
    }
    if (allowed.empty()) {
      co_return Status(StatusCode::kPermissionDenied,
                       "the host resolves only to addresses that are not allowed",
                       "address_not_allowed");
    }
    if (target_.tls) {
      conn_.ssl_ctx.emplace(asio::ssl::context::tls_client);
      conn_.ssl_ctx->set_default_verify_paths();
      conn_.ssl_ctx->set_verify_mode(asio::ssl::verify_peer);
      conn_.tls.emplace(std::move(conn_.plain), *conn_.ssl_ctx);
      SSL_set_tlsext_host_name(conn_.tls->native_handle(), target_.host.c_str());
      conn_.tls->set_verify_callback(asio::ssl::host_name_verification(target_.host));
    }
    // The connect gets its own, shorter deadline inside the overall one.
    bool connected = false;
    bool connect_timed_out = false;
    asio::steady_timer connect_deadline(conn_.ioc, request_.connect_timeout);
    connect_deadline.async_wait([&](beast::error_code ec) {
      if (!ec && !connected) {
        connect_timed_out = true;
        beast::error_code ignored;
        conn_.socket().close(ignored);
      }
    });
    auto [cec, ep] = co_await asio::async_connect(conn_.socket(), allowed, kTuple);
    connected = true;
    connect_deadline.cancel();
    if (cec) {
      if (connect_timed_out && !timed_out_) {
        co_return failure("timeout", "no connection within " +
                                         std::to_string(request_.connect_timeout.count()) + " ms");
      }
      co_return stepError("connect", cec);
    }
    if (conn_.tls) {
      auto [hec] = co_await conn_.tls->async_handshake(asio::ssl::stream_base::client, kTuple);
      if (hec) {
        co_return stepError("tls", hec);
      }
    }
    conn_.connected = true;
    co_return Status::ok();
  }

  asio::awaitable<Result<OutboundResponse>> exchange() {
    const bool reused = conn_.connected;
    if (!reused) {
      if (auto st = co_await connect(); !st.isOk()) {
        co_return st;
      }
    }

    bhttp::request<bhttp::string_body> req;
    req.method_string(request_.method);
    req.target(target_.path);
    req.version(11);
    req.set(bhttp::field::host, target_.host);
    req.set(bhttp::field::user_agent, "aisafe");
    req.keep_alive(keep_alive_);
    for (const auto& [name, value] : request_.headers) {
      req.set(name, value);
    }
    req.body() = request_.body;
    if (!request_.body.empty() || request_.method != "GET") {
      req.prepare_payload();
    }

    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(request_.max_response_bytes);
    parser.header_limit(64 * 1024);
    beast::error_code wec, rdec;
    if (conn_.tls) {
      std::tie(wec, std::ignore) = co_await bhttp::async_write(*conn_.tls, req, kTuple);
      if (!wec) {
        std::tie(rdec, std::ignore) =
            co_await bhttp::async_read(*conn_.tls, buffer, parser, kTuple);
      }
    } else {
      std::tie(wec, std::ignore) = co_await bhttp::async_write(conn_.plain, req, kTuple);
      if (!wec) {
        std::tie(rdec, std::ignore) =
            co_await bhttp::async_read(conn_.plain, buffer, parser, kTuple);
      }
    }
    if (reused && (wec || (rdec && !parser.got_some()))) {
      failed_before_answer_ = true;
    }
    if (wec) {
      co_return stepError("write", wec);
    }
    if (rdec == bhttp::error::body_limit) {
      co_return failure(
          "response_too_large",
          "the answer is larger than " + std::to_string(request_.max_response_bytes) + " bytes");
    }
    if (rdec) {
      co_return stepError("read", rdec);
    }
    auto res = parser.release();
    OutboundResponse out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(res.body());
    reusable_ = keep_alive_ && res.keep_alive();
    if (conn_.tls && !reusable_) {
      beast::error_code ignored;
      conn_.tls->shutdown(ignored);
    }
    co_return out;
  }

  const OutboundRequest& request_;
  const Target& target_;
  Connection& conn_;
  const bool keep_alive_;
  const std::chrono::steady_clock::time_point deadline_at_;
  tcp::resolver resolver_;
  asio::steady_timer deadline_;
  bool timed_out_ = false;
  bool reusable_ = false;
  bool failed_before_answer_ = false;
};

}  // namespace

Result<OutboundResponse> sendOutbound(const OutboundRequest& request) {
  AISAFE_TRY(Target target, parseOutboundTarget(request.url));
  Connection conn(target.origin());
  Call call(request, target, conn, /*keep_alive=*/false,
            std::chrono::steady_clock::now() + request.timeout);
  return call.run();
}

OutboundPool::OutboundPool() : OutboundPool(Options{}) {}
OutboundPool::OutboundPool(Options options) : options_(options) {}
OutboundPool::~OutboundPool() = default;

Result<OutboundResponse> OutboundPool::send(const OutboundRequest& request) {
  AISAFE_TRY(Target target, parseOutboundTarget(request.url));
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + request.timeout;
  const std::string origin = target.origin();
  // A reused connection that turns out closed gets one retry on a fresh connection.
  for (bool fresh_only = false;; fresh_only = true) {
    std::unique_ptr<Connection> conn = fresh_only ? nullptr : takeIdle(origin);
    const bool reused = conn != nullptr;
    if (!reused) {
      conn = std::make_unique<Connection>(origin);
    }
    {
      std::lock_guard lock(mu_);
      ++(reused ? stats_.calls_on_reused_connections : stats_.connections_opened);
    }
    Call call(request, target, *conn, /*keep_alive=*/true, deadline);
    auto result = call.run();
    if (result.isOk()) {
      result->elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
      if (call.reusable()) {
        giveBack(std::move(conn));
      }
      return result;
    }
    if (!reused || !call.failedBeforeAnswer()) {
      return result;
    }
  }
}

std::unique_ptr<Connection> OutboundPool::takeIdle(const std::string& origin) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  auto it = idle_.find(origin);
  if (it == idle_.end()) {
    return nullptr;
  }
  auto& list = it->second;
  while (!list.empty()) {
    std::unique_ptr<Connection> conn = std::move(list.back());
    list.pop_back();
    --idle_count_;
    if (now - conn->idle_since < options_.idle_timeout) {
      return conn;
    }
  }
  return nullptr;
}

void OutboundPool::giveBack(std::unique_ptr<Connection> connection) {
  const auto now = std::chrono::steady_clock::now();
  connection->idle_since = now;
  std::lock_guard lock(mu_);
  sweepStale(now);
  if (idle_count_ >= options_.max_idle_total) {
    return;  // closed, not kept
  }
  auto& list = idle_[connection->origin];
  if (list.size() >= options_.max_idle_per_origin) {
    list.erase(list.begin());  // the stalest
    --idle_count_;
  }
  list.push_back(std::move(connection));
  ++idle_count_;
}

// Connections to origins no call goes to any more would otherwise stay open (in CLOSE_WAIT
// once the server gives up on them) until that origin is called again.
void OutboundPool::sweepStale(std::chrono::steady_clock::time_point now) {
  if (now - last_sweep_ < options_.idle_timeout) {
    return;
  }
  last_sweep_ = now;
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& list = it->second;
    const auto fresh = std::find_if(list.begin(), list.end(), [&](const auto& c) {
      return now - c->idle_since < options_.idle_timeout;
    });
    idle_count_ -= static_cast<std::size_t>(fresh - list.begin());
    list.erase(list.begin(), fresh);  // oldest first: the stale ones are a prefix
    it = list.empty() ? idle_.erase(it) : std::next(it);
  }
}

OutboundPool::Stats OutboundPool::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace aisafe::http
