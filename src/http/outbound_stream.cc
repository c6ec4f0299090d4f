// Beast's tcp_stream carries the deadlines (expires_after before each step); the answer is read
// with a buffer_body parser into a fixed piece buffer, so a stream holds kPieceBytes plus the
// parser's buffer whatever the upstream sends.
#include "http/outbound_stream.h"

#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
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

// One read's worth of body: an SSE event or a few; larger pieces would only delay the first.
constexpr std::size_t kPieceBytes = 16 * 1024;
// An upstream's header block; a model API's is a few hundred bytes.
constexpr std::uint32_t kMaxHeaderBytes = 64 * 1024;

Status failure(std::string reason, std::string message) {
  return Status(StatusCode::kUnavailable, std::move(message), std::move(reason));
}

Status stepError(std::string_view step, const beast::error_code& ec) {
  if (ec == beast::error::timeout) {
    return failure("timeout", std::string(step) + " timed out");
  }
  return failure(step == "tls"       ? "tls_failed"
                 : step == "connect" ? "connect_failed"
                                     : "bad_response",
                 std::string(step) + " failed: " + ec.message());
}

}  // namespace

struct OutboundStream::Impl {
  explicit Impl(const asio::any_io_executor& ex) : plain(ex) {}

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : plain; }

  template <class Stream>
  asio::awaitable<Result<std::string_view>> nextOn(Stream& stream) {
    while (!parser.is_done()) {
      parser.get().body().data = piece.data();
      parser.get().body().size = piece.size();
      lowest().expires_after(idle_timeout);
      auto [ec, n] = co_await bhttp::async_read_some(stream, buffer, parser, kTuple);
      if (ec == bhttp::error::need_buffer) {
        ec = {};  // the piece is full: hand it over
      }
      if (ec) {
        co_return stepError("read", ec);
      }
      const std::size_t got = piece.size() - parser.get().body().size;
      if (got > 0) {
        co_return std::string_view(piece.data(), got);
      }
    }
    lowest().expires_never();
    co_return std::string_view();
  }

  beast::tcp_stream plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::buffer_body> parser;
  std::array<char, kPieceBytes> piece{};
  std::chrono::milliseconds idle_timeout{0};
};

OutboundStream::OutboundStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OutboundStream::~OutboundStream() = default;

int OutboundStream::status() const { return static_cast<int>(impl_->parser.get().result_int()); }

std::string OutboundStream::header(std::string_view name) const {
  const auto& head = impl_->parser.get();
  const auto it = head.find(beast::string_view(name.data(), name.size()));
  return it == head.end() ? std::string() : std::string(it->value());
}

asio::awaitable<Result<std::string_view>> OutboundStream::next() {
  if (impl_->tls) {
    co_return co_await impl_->nextOn(*impl_->tls);
  }
  co_return co_await impl_->nextOn(impl_->plain);
}

asio::awaitable<Result<std::string>> OutboundStream::readAll(std::size_t max_bytes) {
  std::string body;
  for (;;) {
    auto piece = co_await next();
    if (!piece) {
      co_return piece.status();
    }
    if (piece->empty()) {
      co_return body;
    }
    if (body.size() + piece->size() > max_bytes) {
      close();
      co_return failure("response_too_large",
                        "the answer is larger than " + std::to_string(max_bytes) + " bytes");
    }
    body.append(*piece);
  }
}

void OutboundStream::close() {
  beast::error_code ignored;
  impl_->lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  impl_->lowest().close();
}

OutboundStreamClient::OutboundStreamClient() : ssl_(asio::ssl::context::tls_client) {
  ssl_.set_default_verify_paths();
  ssl_.set_verify_mode(asio::ssl::verify_peer);
}

OutboundStreamClient::~OutboundStreamClient() = default;

asio::awaitable<Result<std::unique_ptr<OutboundStream>>> OutboundStreamClient::open(
    const StreamRequest& request) {
  auto target = parseOutboundTarget(request.url);
  if (!target) {
    co_return target.status();
  }
  const auto executor = co_await asio::this_coro::executor;
  auto impl = std::make_unique<OutboundStream::Impl>(executor);
  impl->idle_timeout = request.idle_timeout;

  tcp::resolver resolver(executor);
  auto [rec, endpoints] = co_await resolver.async_resolve(target->host, target->port, kTuple);
  if (rec) {
    co_return stepError("connect", rec);
  }
  impl->plain.expires_after(request.connect_timeout);
  auto [cec, endpoint] = co_await impl->plain.async_connect(endpoints, kTuple);
  if (cec) {
    co_return stepError("connect", cec);
  }
  impl->plain.socket().set_option(tcp::no_delay(true), cec);
  if (target->tls) {
    impl->tls.emplace(std::move(impl->plain), ssl_);
    if (!SSL_set_tlsext_host_name(impl->tls->native_handle(), target->host.c_str())) {
      co_return failure("tls_failed", "cannot set the TLS server name");
    }
    impl->tls->set_verify_callback(asio::ssl::host_name_verification(target->host));
    auto [hec] = co_await impl->tls->async_handshake(asio::ssl::stream_base::client, kTuple);
    if (hec) {
      co_return stepError("tls", hec);
    }
  }

  bhttp::request<bhttp::string_body> req;
  req.method_string(request.method);
  req.target(target->path);
  req.version(11);
  req.set(bhttp::field::host, target->host);
  req.set(bhttp::field::user_agent, "aisafe");
  req.keep_alive(false);  // one call per connection (no pool yet)
  for (const auto& [name, value] : request.headers) {
    req.set(name, value);
  }
  req.body() = request.body;
  if (!request.body.empty() || request.method != "GET") {
    req.prepare_payload();
  }
  impl->parser.header_limit(kMaxHeaderBytes);
  impl->parser.body_limit(boost::none);  // callers cap what they keep (readAll)

  impl->lowest().expires_after(request.first_byte_timeout);
  beast::error_code ec;
  if (impl->tls) {
    std::tie(ec, std::ignore) = co_await bhttp::async_write(*impl->tls, req, kTuple);
    if (!ec) {
      std::tie(ec, std::ignore) =
          co_await bhttp::async_read_header(*impl->tls, impl->buffer, impl->parser, kTuple);
    }
  } else {
    std::tie(ec, std::ignore) = co_await bhttp::async_write(impl->plain, req, kTuple);
    if (!ec) {
      std::tie(ec, std::ignore) =
          co_await bhttp::async_read_header(impl->plain, impl->buffer, impl->parser, kTuple);
    }
  }
  if (ec) {
    co_return stepError("read", ec);
  }
  co_return std::make_unique<OutboundStream>(std::move(impl));
}

}  // namespace aisafe::http
