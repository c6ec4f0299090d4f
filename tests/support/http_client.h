// Tiny synchronous HTTP/1.1 client (Boost.Beast) for integration tests: one
// keep-alive connection with a per-request timeout, plus rawExchange() for
// sending hand-made (malformed) bytes. Transport errors are returned as
// status 0 rather than thrown, so a dead server fails assertions, not the run.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

namespace aisafe::testsupport {

struct HttpResponse {
  int status = 0;                              // 0: no HTTP response (see error)
  std::map<std::string, std::string> headers;  // lower-cased names; repeats joined with ", "
  std::string body;
  std::string error;  // transport failure description when status == 0

  // Body parsed as JSON, or null if it is not valid JSON.
  boost::json::value json() const;
  // Header value by case-insensitive name, "" if absent.
  std::string header(std::string_view name) const;
};

class HttpClient {
 public:
  explicit HttpClient(int port, std::string host = "127.0.0.1",
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request on the kept-alive connection (connecting or, if the
  // server closed an idle connection, reconnecting transparently). Host,
  // User-Agent and Content-Length are filled in; `headers` override them.
  // `method` may be any token, not just the standard verbs.
  HttpResponse request(std::string_view method, std::string_view target, std::string body = {},
                       std::vector<std::pair<std::string, std::string>> headers = {});

  // Headers sent with every request (credentials); per-request headers override them.
  void setDefaultHeader(std::string name, std::string value) {
    default_headers_.emplace_back(std::move(name), std::move(value));
  }

 private:
  std::vector<std::pair<std::string, std::string>> default_headers_;
  struct Connection;

  std::string host_;
  int port_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<Connection> conn_;
};

// Writes `bytes` verbatim on a fresh connection to 127.0.0.1:port and returns
// everything read until the server closes the connection or `read_deadline`
// (counted from the end of the write) passes.
std::string rawExchange(int port, std::string_view bytes, std::chrono::milliseconds read_deadline);

// Like rawExchange, but writes `first`, runs `between`, then writes `rest`: lets a test act
// (send a signal, say) while the server is provably in the middle of reading a request.
std::string rawExchangeInTwoParts(int port, std::string_view first,
                                  const std::function<void()>& between, std::string_view rest,
                                  std::chrono::milliseconds read_deadline);

}  // namespace aisafe::testsupport
