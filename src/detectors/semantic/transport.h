// How the semantic detector's client reaches the remote service. The client owns everything that
// decides behaviour (the time budget, the circuit breaker, the cache, the protocol); a transport
// only carries one POST and its answer. src/app wires the HTTP implementation (over
// http::OutboundPool, connections kept alive), so no detector depends on the http module:
// detectors stay usable offline (cli scan, eval) and the layering rule holds
// (docs/architecture.md).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace aisafe::detectors::semantic {

struct TransportRequest {
  std::string url;  // http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;                             // sent with POST
  std::chrono::milliseconds connect_timeout{};  // for a new connection, within `timeout`
  std::chrono::milliseconds timeout{};          // the whole exchange, connect included
  std::size_t max_response_bytes = 0;           // a longer answer is an error, not truncated
};

struct TransportResponse {
  int status = 0;
  std::string body;
};

class Transport {
 public:
  virtual ~Transport() = default;

  // POSTs `request` and returns the answer, whatever its HTTP status (the client decides what a
  // 500 means). Blocking: called from the outbound lane, never an I/O thread. Thread-safe.
  // Errors: kInvalidArgument (bad URL), kUnavailable with reason "connect_failed", "timeout",
  // "tls_failed", "response_too_large" or "bad_response".
  virtual Result<TransportResponse> post(const TransportRequest& request) const = 0;
};

}  // namespace aisafe::detectors::semantic
