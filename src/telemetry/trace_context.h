// W3C Trace Context (https://www.w3.org/TR/trace-context/): trace and span ids, the
// `traceparent` header's strict parsing and formatting, id generation and the ratio sampler.
// Not the span machinery (span.h) nor the export (otlp_exporter.h).
//
// Threading: everything here is a pure function or uses per-thread state only (the id
// generator is one per thread, seeded from OpenSSL's RAND_bytes), so any thread may call it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aisafe::telemetry {

using TraceId = std::array<std::uint8_t, 16>;
using SpanId = std::array<std::uint8_t, 8>;

// The part of a span that crosses process boundaries.
struct SpanContext {
  TraceId trace_id{};
  SpanId span_id{};
  bool sampled = false;

  // False for the default value: no trace (tracing off, or no parent).
  bool valid() const;
};

// Parses a `traceparent` header value. Strict: version 00 is exactly
// "00-<32 lower-case hex>-<16 lower-case hex>-<2 lower-case hex>"; a higher version may carry more
// after a '-' (ignored); version ff, upper-case hex, all-zero ids and wrong lengths are refused.
// nullopt means "start a new trace", as the specification asks.
std::optional<SpanContext> parseTraceparent(std::string_view header);

// "00-<trace id>-<span id>-01" (or -00 when not sampled). `context` must be valid.
std::string formatTraceparent(const SpanContext& context);

// formatTraceparent, or "" for an invalid context (work not traced): what is stored with work
// done later (webhook events), so that it continues the trace when there is one.
std::string traceparentOrEmpty(const SpanContext& context);

// Lower-case hex of the id (32 and 16 characters).
std::string toHex(const TraceId& id);
std::string toHex(const SpanId& id);

// Random, never all-zero ids from a fast per-thread generator (xoshiro256**) seeded from
// RAND_bytes: ids need to be unique, not secret, and RAND_bytes per span would cost more
// than the rest of a span.
TraceId newTraceId();
SpanId newSpanId();

// The root sampling decision for a new trace: true for a `ratio` share of trace ids, decided
// on the id's last 8 bytes, so every service with the same ratio makes the same decision for
// the same trace. ratio >= 1 samples all, <= 0 none.
bool sampledByRatio(const TraceId& id, double ratio);

}  // namespace aisafe::telemetry
