// Time helpers: wall-clock milliseconds for records, a monotonic clock for latencies.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace aisafe::clock {

// Milliseconds since the Unix epoch (what the database stores).
inline std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// RFC 3339 UTC with milliseconds, e.g. "2026-11-28T04:19:24.123Z".
std::string toRfc3339(std::int64_t epoch_ms);

// Parses RFC 3339 (Z or ±hh:mm offset, optional fraction) to epoch ms; false when malformed.
bool parseRfc3339(const std::string& text, std::int64_t& epoch_ms);

}  // namespace aisafe::clock
