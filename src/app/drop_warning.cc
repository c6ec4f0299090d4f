#include "app/drop_warning.h"

#include "telemetry/logging.h"

namespace aisafe::app {
namespace {

std::int64_t steadySeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

DropWarning::DropWarning(std::string message, std::function<std::uint64_t()> total)
    : message_(std::move(message)),
      total_(std::move(total)),
      last_warning_s_(steadySeconds() - kInterval.count()) {}

void DropWarning::dropped() {
  const std::int64_t now = steadySeconds();
  std::int64_t last = last_warning_s_.load(std::memory_order_relaxed);
  if (now - last < kInterval.count() || !last_warning_s_.compare_exchange_strong(last, now)) {
    return;  // another warning went out lately, or another thread is writing this one
  }
  const std::uint64_t total = total_();
  const std::uint64_t since = total - reported_.exchange(total);
  telemetry::logWarn(message_, {{"dropped", since}, {"dropped_total", total}});
}

}  // namespace aisafe::app
