#include "support/http_client.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <functional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

namespace aisafe::testsupport {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Large enough for any test payload; Beast's default (8 MB) is not a limit
// we want tests to trip over by accident.
constexpr std::uint64_t kBodyLimit = 64ull * 1024 * 1024;
constexpr auto kConnectTimeout = std::chrono::seconds(10);

std::string lowerCase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Beast's tcp_stream timeouts only apply to asynchronous operations, so each
// "synchronous" step is an async operation run to completion here.
void runToCompletion(asio::io_context& ioc) {
  ioc.restart();
  ioc.run();
}

HttpResponse transportFailure(std::string what) {
  HttpResponse response;
  response.error = std::move(what);
  return response;
}

// Errors meaning "the server had already closed this kept-alive connection";
// only then is resending the request safe and expected.
bool isStaleConnection(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted;
}

}  // namespace

boost::json::value HttpResponse::json() const {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec) return boost::json::value(nullptr);
  return value;
}

std::string HttpResponse::header(std::string_view name) const {
  auto it = headers.find(lowerCase(name));
  return it == headers.end() ? std::string() : it->second;
}

struct HttpClient::Connection {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool open = false;

  void close() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    buffer.clear();
    open = false;
  }
};

HttpClient::HttpClient(int port, std::string host, std::chrono::milliseconds timeout)
    : host_(std::move(host)),
      port_(port),
      timeout_(timeout),
      conn_(std::make_unique<Connection>()) {}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

HttpResponse HttpClient::request(std::string_view method, std::string_view target, std::string body,
                                 std::vector<std::pair<std::string, std::string>> headers) {
  if (!conn_) return transportFailure("HttpClient used after move");
  Connection& conn = *conn_;

  http::request<http::string_body> req;
  if (http::verb verb = http::string_to_verb(method); verb != http::verb::unknown) {
    req.method(verb);
  } else {
    req.method_string(method);
  }
  req.target(target);
  req.version(11);
  req.set(http::field::host, host_ + ":" + std::to_string(port_));
  req.set(http::field::user_agent, "aisafe-tests");
  req.body() = std::move(body);
  req.prepare_payload();
  for (const auto& [name, value] : default_headers_) req.set(name, value);
  // Erase first, then insert: caller headers replace the defaults above and
  // may repeat a name on purpose.
  for (const auto& [name, value] : headers) req.erase(name);
  for (const auto& [name, value] : headers) req.insert(name, value);

  for (int attempt = 0;; ++attempt) {
    const bool reused = conn.open;
    if (!conn.open) {
      beast::error_code ec;
      tcp::resolver resolver(conn.ioc);
      auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
      if (ec) return transportFailure("resolve " + host_ + ": " + ec.message());
      conn.stream.expires_after(kConnectTimeout);
      conn.stream.async_connect(endpoints,
                                [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
      runToCompletion(conn.ioc);
      if (ec) {
        conn.close();
        return transportFailure("connect " + host_ + ":" + std::to_string(port_) + ": " +
                                ec.message());
      }
      conn.open = true;
    }
    const bool may_retry = reused && attempt == 0;

    beast::error_code ec;
    conn.stream.expires_after(timeout_);
    http::async_write(conn.stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
    runToCompletion(conn.ioc);
    if (ec) {
      conn.close();
      if (may_retry && isStaleConnection(ec)) continue;
      return transportFailure("write: " + ec.message());
    }

    http::response_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    if (req.method() == http::verb::head) parser.skip(true);  // HEAD replies carry no body
    conn.stream.expires_after(timeout_);
    http::async_read(conn.stream, conn.buffer, parser,
                     [&](beast::error_code e, std::size_t) { ec = e; });
    runToCompletion(conn.ioc);
    if (ec) {
      conn.close();
      if (may_retry && !parser.got_some() && isStaleConnection(ec)) continue;
      return transportFailure("read: " + ec.message());
    }

    auto& res = parser.get();
    HttpResponse response;
    response.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      auto [it, inserted] =
          response.headers.emplace(lowerCase(field.name_string()), std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    response.body = std::move(res.body());
    if (!res.keep_alive()) conn.close();
    return response;
  }
}

std::string rawExchange(int port, std::string_view bytes, std::chrono::milliseconds read_deadline) {
  return rawExchangeInTwoParts(port, bytes, {}, {}, read_deadline);
}

std::string rawExchangeInTwoParts(int port, std::string_view first,
                                  const std::function<void()>& between, std::string_view rest,
                                  std::chrono::milliseconds read_deadline) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;

  tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), static_cast<unsigned short>(port));
  stream.expires_after(kConnectTimeout);
  stream.async_connect(endpoint, [&](beast::error_code e) { ec = e; });
  runToCompletion(ioc);
  if (ec) return {};

  // A write error (server closed early) is not fatal: whatever it sent before
  // closing, e.g. a 400 response, is exactly what the test wants to see.
  const auto send = [&](std::string_view bytes) {
    stream.expires_after(kConnectTimeout);
    asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()),
                      [&](beast::error_code e, std::size_t) { ec = e; });
    runToCompletion(ioc);
  };
  send(first);
  if (between) between();
  if (!ec && !rest.empty()) send(rest);

  std::string received;
  std::array<char, 4096> chunk;
  // One absolute deadline for all reads: tcp_stream keeps it until reset.
  stream.expires_after(read_deadline);
  while (true) {
    std::size_t n = 0;
    stream.async_read_some(asio::buffer(chunk), [&](beast::error_code e, std::size_t k) {
      ec = e;
      n = k;
    });
    runToCompletion(ioc);
    received.append(chunk.data(), n);
    if (ec) break;  // eof, reset or timeout: done either way
  }
  return received;
}

}  // namespace aisafe::testsupport
