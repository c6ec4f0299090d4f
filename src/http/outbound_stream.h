// Outbound HTTP(S) requests made from a request's own coroutine, on its I/O thread, whose answer
// body is read piece by piece as it arrives: the model proxy's calls to its upstreams.
//
// Not outbound_client.h: that client is synchronous and needs a thread for the whole exchange
// (the outbound lane). A model's answer takes seconds and a stream minutes, so a lane thread per
// proxied call would cap concurrent calls at the lane's size. Here the wait is an Asio wait on
// the caller's executor: thousands of open upstream calls hold no thread (decision 0021).
//
// Three deadlines: connect, first byte (the answer's head) and idle (between two pieces of the
// body). A deadline closes the socket; the pending step fails with reason "timeout".
// One OutboundStream belongs to one coroutine; OutboundStreamClient is shared by threads.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include "core/status.h"

namespace aisafe::http {

struct StreamRequest {
  std::string method = "POST";
  std::string url;  // http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds first_byte_timeout{60'000};  // until the answer's head has arrived
  std::chrono::milliseconds idle_timeout{60'000};        // between two pieces of the body
};

class OutboundStream {
 public:
  struct Impl;
  explicit OutboundStream(std::unique_ptr<Impl> impl);
  ~OutboundStream();
  OutboundStream(const OutboundStream&) = delete;
  OutboundStream& operator=(const OutboundStream&) = delete;

  int status() const;
  // The value of a header field of the answer, "" when absent.
  std::string header(std::string_view name) const;

  // The next piece of the body, decoded from chunked transfer encoding, as soon as any of it has
  // arrived; an empty view at the end of the body. The view lives until the next call.
  // Errors: kUnavailable with reason "timeout" (idle deadline) or "bad_response".
  boost::asio::awaitable<Result<std::string_view>> next();

  // The rest of the body; kUnavailable "response_too_large" past `max_bytes`.
  boost::asio::awaitable<Result<std::string>> readAll(std::size_t max_bytes);

  // Closes the connection now (the caller went away, or a block ended the stream): the upstream
  // sees its peer close and stops generating.
  void close();

 private:
  std::unique_ptr<Impl> impl_;
};

class OutboundStreamClient {
 public:
  // Loads the system trust store once: every https call verifies against it.
  OutboundStreamClient();
  ~OutboundStreamClient();

  // Connects, sends `request` and reads the answer's head. Any HTTP status is a success.
  // Errors: kInvalidArgument (bad URL); kUnavailable with reason "connect_failed", "timeout",
  // "tls_failed" or "bad_response".
  boost::asio::awaitable<Result<std::unique_ptr<OutboundStream>>> open(
      const StreamRequest& request);

 private:
  boost::asio::ssl::context ssl_;
};

}  // namespace aisafe::http
