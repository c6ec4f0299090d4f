// Outbound HTTP(S) calls from background work: fetching an identity provider's keys, and later
// webhook deliveries and remote detectors. Synchronous on purpose (callers are background
// threads or rare, rate-limited refreshes), each call on its own small io_context, with a hard
// deadline over the whole exchange and a cap on the answer's size, so a slow or hostile server
// can hold a caller for at most `timeout` and cannot exhaust memory.
//
// https:// verifies the server's certificate against the system trust store and its host name
// (SNI sent). `allow_address` lets the caller refuse resolved addresses (webhooks' SSRF guard)
// before any connection is made.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
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
  std::size_t max_response_bytes = 1024 * 1024;
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

}  // namespace aisafe::http
