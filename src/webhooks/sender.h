// One signed POST to a webhook endpoint: Standard Webhooks headers, the outbound client's
// deadlines and size cap, the address policy applied to the resolved addresses (unless
// allow_private), no redirects followed (a 3xx is a failed attempt), and the endpoint's own
// circuit breaker, so a dead receiver costs nothing to the others. Used by the test route now
// and by the delivery worker later.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "http/outbound_client.h"
#include "resilience/circuit_breaker.h"
#include "telemetry/span.h"

namespace aisafe::webhooks {

struct SendOptions {
  bool allow_private = false;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds timeout{10'000};
  std::size_t max_response_bytes = std::size_t{64} * 1024;
  // Each attempt is a client span (a child of the thread's current span context, else a new
  // trace) and carries its traceparent. Null: no spans, no header.
  const telemetry::Tracer* tracer = nullptr;
  // Kept-alive connections to receivers (one handshake per receiver instead of one per event);
  // null: a connection per attempt. Outlives every send().
  http::OutboundPool* pool = nullptr;
};

struct SendResult {
  bool delivered = false;  // a 2xx answer
  bool not_tried = false;  // the endpoint's breaker is open: nothing was sent
  int status_code = 0;     // 0: no HTTP answer
  std::int64_t latency_ms = 0;
  std::string error;    // why it failed ("" when delivered)
  std::string excerpt;  // the start of the answer, for delivery records
};

// `secrets`: the current secret first, then the previous one during a rotation.
// `parent_traceparent`: the trace the attempt continues (the stored one of the request that
// caused the event); empty or malformed: the thread's current span context. The request carries
// the attempt's client span as `traceparent`, or, with tracing off, the parent as it was stored.
SendResult send(const std::string& url, const std::vector<std::string>& secrets,
                const std::string& msg_id, std::int64_t timestamp_s, const std::string& body,
                const SendOptions& options, resilience::CircuitBreaker& breaker,
                const std::string& parent_traceparent = {});

}  // namespace aisafe::webhooks
