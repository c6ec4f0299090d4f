// Time helpers: wall-clock milliseconds for records, a monotonic clock for latencies.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <time.h>

namespace aisafe::clock {

// Milliseconds since the Unix epoch (what the database stores).
inline std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The monotonic clock as of the last timer tick: CLOCK_MONOTONIC_COARSE, on steady_clock's own
// timeline (libstdc++ reads CLOCK_MONOTONIC) and at most a tick (a few ms) behind it, for an
// eighth of a precise read's cost (2.6 ns against 21 here). For cache lifetimes and timeouts;
// latencies use steady_clock.
inline std::chrono::steady_clock::time_point coarseSteadyNow() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
}

// RFC 3339 UTC with milliseconds, e.g. "2026-11-28T04:19:24.123Z".
std::string toRfc3339(std::int64_t epoch_ms);

// Parses RFC 3339 (Z or ±hh:mm offset, optional fraction) to epoch ms; false when malformed.
bool parseRfc3339(const std::string& text, std::int64_t& epoch_ms);

}  // namespace aisafe::clock
