// "Nothing is dropped silently" (issue 24): a warning in the log when records of some kind are
// dropped, at most one per kInterval, saying how many were dropped since the previous one and
// in all. The exact count is the metric's job (aisafe_audit_dropped_total); this makes the
// start of a streak of drops visible where operators look first, without one line per record.
// Thread-safe; dropped() is cheap while throttled (two relaxed atomics), so it may be called on
// the request path.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace aisafe::app {

class DropWarning {
 public:
  static constexpr std::chrono::seconds kInterval{10};

  // `message`: the log line ("audit records dropped: the queue is full"); `total`: the running
  // count of drops (the writer's own counter), read when a warning is written.
  DropWarning(std::string message, std::function<std::uint64_t()> total);

  // Called after each drop.
  void dropped();

 private:
  std::string message_;
  std::function<std::uint64_t()> total_;
  std::atomic<std::int64_t> last_warning_s_;
  std::atomic<std::uint64_t> reported_{0};  // total at the previous warning
};

}  // namespace aisafe::app
