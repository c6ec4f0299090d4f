// Outbound HTTP(S) calls: fetching an identity provider's keys, webhook deliveries, the remote
// semantic detector. Synchronous on purpose (callers are background threads, rare refreshes, or
// the validation routes' outbound lane, never an I/O thread), each connection on its own small
// io_context, with a hard deadline over the whole exchange and a cap on the answer's size, so a
// slow or hostile server can hold a caller for at most `timeout` and cannot exhaust memory.
//
// sendOutbound() opens a connection per call. An OutboundPool keeps connections alive between
// calls to the same origin: a call to a warm detector or receiver then costs one round trip
// instead of a TCP (and TLS) handshake and a CA-store load.
//
// https:// verifies the server's certificate against the system trust store and its host name
// (SNI sent). `allow_address` lets the caller refuse resolved addresses (webhooks' SSRF guard)
// before any connection is made.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "core/status.h"

namespace aisafe::http {

struct OutboundRequest {
  std::string method = "GET";
  std::string url;  // http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds timeout{5000};  // the whole exchange, connect included
  std::size_t max_response_bytes = std::size_t{1024} * 1024;
  // Called for each resolved address; false skips it. All skipped: kPermissionDenied.
  std::function<bool(const boost::asio::ip::address&)> allow_address;
};

struct OutboundResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds elapsed{0};
};

// Errors: kInvalidArgument (bad URL), kPermissionDenied "address_not_allowed",
// kUnavailable with reason "connect_failed", "timeout", "tls_failed", "response_too_large" or
// "bad_response", and a message fit for logs and delivery records. Any HTTP status is a success
// here: the caller decides what a 500 means.
Result<OutboundResponse> sendOutbound(const OutboundRequest& request);

// Keep-alive connections by origin (scheme, host, port), shared by threads. A reused connection
// the server has closed meanwhile is detected on use and the call is retried once on a fresh one
// within the same deadline (idempotent receivers and classifiers make that safe). Addresses are
// checked when a connection is made, so `allow_address` still guards every connection.
class OutboundPool {
 public:
  struct Options {
    std::size_t max_idle_per_origin = 32;
    std::size_t max_idle_total = 512;  // across origins (webhooks reach many receivers)
    std::chrono::milliseconds idle_timeout{30'000};  // idle longer than this: closed, not reused
  };
  struct Stats {
    std::uint64_t connections_opened = 0;
    std::uint64_t calls_on_reused_connections = 0;
  };

  OutboundPool();
  explicit OutboundPool(Options options);
  ~OutboundPool();
  OutboundPool(const OutboundPool&) = delete;
  OutboundPool& operator=(const OutboundPool&) = delete;

  // Same contract as sendOutbound().
  Result<OutboundResponse> send(const OutboundRequest& request);
  Stats stats() const;

  struct Connection;  // defined in outbound_client.cc

 private:
  std::unique_ptr<Connection> takeIdle(const std::string& origin);
  void giveBack(std::unique_ptr<Connection> connection);
  void sweepStale(std::chrono::steady_clock::time_point now);  // with mu_ held

  const Options options_;
  mutable std::mutex mu_;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;  // newest last
  std::size_t idle_count_ = 0;
  std::chrono::steady_clock::time_point last_sweep_{};
  Stats stats_;
};

}  // namespace aisafe::http
