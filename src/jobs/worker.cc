#include "jobs/worker.h"

#include <exception>
#include <utility>

namespace aisafe::jobs {

Worker::Worker(WorkerOptions options, RunFn run, JobMonitor& monitor,
               std::function<double()> queue_depth)
    : options_(std::move(options)), run_(std::move(run)), monitor_(monitor) {
  monitor_.declare(options_.name, std::move(queue_depth));
}

Worker::~Worker() { stop(); }

void Worker::start() {
  if (thread_.joinable()) {
    return;
  }
  thread_ = std::jthread([this](const std::stop_token& stop) { loop(stop); });
}

void Worker::stop() {
  if (!thread_.joinable()) {
    return;
  }
  thread_.request_stop();  // wakes the wait below through the stop token
  thread_.join();
  thread_ = std::jthread();
}

Result<RunReport> Worker::runOnce(std::stop_token stop) {
  const auto started = std::chrono::steady_clock::now();
  Result<RunReport> result = RunReport{};
  try {
    result = run_(std::move(stop));
  } catch (const std::exception& e) {
    result = internalError(std::string("uncaught exception: ") + e.what());
  } catch (...) {
    result = internalError("uncaught exception");
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  monitor_.finished(options_.name, result.status(), result ? result->items : 0, seconds);
  return result;
}

void Worker::loop(const std::stop_token& stop) {
  bool run_now = options_.run_at_start;
  while (!stop.stop_requested()) {
    if (!run_now) {
      std::unique_lock lock(mu_);
      // Returns early only when a stop is requested: nothing else notifies.
      wake_.wait_for(lock, stop, options_.interval, [] { return false; });
      if (stop.stop_requested()) {
        return;
      }
    }
    auto result = runOnce(stop);
    run_now = result.isOk() && result->more;
  }
}

}  // namespace aisafe::jobs
