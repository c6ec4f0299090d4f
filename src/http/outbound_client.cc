// One coroutine per call on a private io_context: resolve, filter addresses, connect, optional
// TLS handshake, write, read. The deadline is a single steady timer that closes the socket, so
// whatever step is waiting fails with operation_aborted and the call returns "timeout".
#include "http/outbound_client.h"

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
#include <boost/url/parse.hpp>

namespace aisafe::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Target {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path;  // origin-form: path and query
};

Result<Target> parseTarget(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return invalidArgument("not an absolute URL: " + url);
  Target t;
  const auto scheme = parsed->scheme();
  if (scheme == "https") {
    t.tls = true;
  } else if (scheme != "http") {
    return invalidArgument("only http and https URLs are supported");
  }
  t.host = std::string(parsed->encoded_host());
  if (t.host.empty()) return invalidArgument("the URL has no host");
  if (!parsed->encoded_userinfo().empty()) return invalidArgument("credentials in URLs are not allowed");
  // [::1] -> ::1 for the resolver.
  if (t.host.size() > 2 && t.host.front() == '[' && t.host.back() == ']') {
    t.host = t.host.substr(1, t.host.size() - 2);
  }
  t.port = parsed->has_port() ? std::string(parsed->port()) : (t.tls ? "443" : "80");
  t.path = std::string(parsed->encoded_path());
  if (t.path.empty()) t.path = "/";
  if (parsed->has_query()) t.path += "?" + std::string(parsed->encoded_query());
  return t;
}

Status failure(std::string reason, std::string message) {
  return Status(StatusCode::kUnavailable, std::move(message), std::move(reason));
}

class Call {
 public:
  Call(const OutboundRequest& request, Target target)
      : request_(request), target_(std::move(target)), deadline_(ioc_) {}

  Result<OutboundResponse> run() {
    const auto started = std::chrono::steady_clock::now();
    std::optional<Result<OutboundResponse>> result;
    deadline_.expires_after(request_.timeout);
    deadline_.async_wait([this](beast::error_code ec) {
      if (!ec) {
        timed_out_ = true;
        beast::error_code ignored;
        socket().close(ignored);
        resolver_.cancel();
      }
    });
    asio::co_spawn(
        ioc_,
        [&]() -> asio::awaitable<void> { result.emplace(co_await exchange()); },
        [&](std::exception_ptr e) {
          deadline_.cancel();
          if (e && !result) {
            result.emplace(failure("bad_response", "unexpected error in the HTTP exchange"));
          }
        });
    ioc_.run();
    if (!result) return failure("bad_response", "the HTTP exchange did not complete");
    if (result->isOk()) {
      result->value().elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
    }
    return std::move(*result);
  }

 private:
  tcp::socket& socket() { return tls_ ? tls_->next_layer() : plain_; }

  Status stepError(std::string_view step, const beast::error_code& ec) {
    if (timed_out_) return failure("timeout", "no answer within " + std::to_string(request_.timeout.count()) + " ms");
    return failure(step == "tls" ? "tls_failed" : step == "connect" ? "connect_failed" : "bad_response",
                   std::string(step) + " failed: " + ec.message());
  }

  asio::awaitable<Result<OutboundResponse>> exchange() {
    auto [rec, endpoints] = co_await resolver_.async_resolve(target_.host, target_.port, kTuple);
    if (rec) co_return stepError("connect", rec);
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
      ssl_ctx_.emplace(asio::ssl::context::tls_client);
      ssl_ctx_->set_default_verify_paths();
      ssl_ctx_->set_verify_mode(asio::ssl::verify_peer);
      tls_.emplace(std::move(plain_), *ssl_ctx_);
      SSL_set_tlsext_host_name(tls_->native_handle(), target_.host.c_str());
      tls_->set_verify_callback(asio::ssl::host_name_verification(target_.host));
    }
    // The connect gets its own, shorter deadline inside the overall one.
    asio::steady_timer connect_deadline(ioc_, request_.connect_timeout);
    connect_deadline.async_wait([this](beast::error_code ec) {
      if (!ec && !connected_) {
        connect_timed_out_ = true;
        beast::error_code ignored;
        socket().close(ignored);
      }
    });
    auto [cec, ep] = co_await asio::async_connect(socket(), allowed, kTuple);
    connected_ = true;
    connect_deadline.cancel();
    if (cec) {
      if (connect_timed_out_ && !timed_out_) {
        co_return failure("timeout", "no connection within " +
                                         std::to_string(request_.connect_timeout.count()) + " ms");
      }
      co_return stepError("connect", cec);
    }
    if (tls_) {
      auto [hec] = co_await tls_->async_handshake(asio::ssl::stream_base::client, kTuple);
      if (hec) co_return stepError("tls", hec);
    }

    bhttp::request<bhttp::string_body> req;
    req.method_string(request_.method);
    req.target(target_.path);
    req.version(11);
    req.set(bhttp::field::host, target_.host);
    req.set(bhttp::field::user_agent, "aisafe");
    req.set(bhttp::field::connection, "close");
    for (const auto& [name, value] : request_.headers) req.set(name, value);
    req.body() = request_.body;
    if (!request_.body.empty() || request_.method != "GET") req.prepare_payload();

    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(request_.max_response_bytes);
    parser.header_limit(64 * 1024);
    beast::error_code wec, rdec;
    if (tls_) {
      std::tie(wec, std::ignore) = co_await bhttp::async_write(*tls_, req, kTuple);
      if (!wec) std::tie(rdec, std::ignore) = co_await bhttp::async_read(*tls_, buffer, parser, kTuple);
    } else {
      std::tie(wec, std::ignore) = co_await bhttp::async_write(socket(), req, kTuple);
      if (!wec) std::tie(rdec, std::ignore) = co_await bhttp::async_read(socket(), buffer, parser, kTuple);
    }
    if (wec) co_return stepError("write", wec);
    if (rdec == bhttp::error::body_limit) {
      co_return failure("response_too_large", "the answer is larger than " +
                                                  std::to_string(request_.max_response_bytes) + " bytes");
    }
    if (rdec) co_return stepError("read", rdec);
    auto res = parser.release();
    OutboundResponse out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(res.body());
    if (tls_) {
      beast::error_code ignored;
      tls_->shutdown(ignored);
    }
    co_return out;
  }

  const OutboundRequest& request_;
  Target target_;
  asio::io_context ioc_;
  tcp::resolver resolver_{ioc_};
  tcp::socket plain_{ioc_};
  std::optional<asio::ssl::context> ssl_ctx_;
  std::optional<asio::ssl::stream<tcp::socket>> tls_;
  asio::steady_timer deadline_;
  bool timed_out_ = false;
  bool connected_ = false;
  bool connect_timed_out_ = false;
};

}  // namespace

Result<OutboundResponse> sendOutbound(const OutboundRequest& request) {
  AISAFE_TRY(Target target, parseTarget(request.url));
  Call call(request, std::move(target));
  return call.run();
}

}  // namespace aisafe::http
