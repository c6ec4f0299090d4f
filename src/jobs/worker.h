// A named background worker: one thread that runs a job function, again at once while the job
// says there is more waiting (a queue being drained), otherwise every `interval` (a periodic
// job, or a queue's idle poll). Every run is reported to the JobMonitor (metrics, failure
// reports). A run that fails is retried after `interval`, never in a tight loop.
//
// Graceful stop: stop() asks through the run's std::stop_token and waits for the run in
// progress to return. Job functions check the token between units of work (a batch of rows, a
// delivery not yet attempted) and return what they did; they never throw (an exception that
// escapes anyway is caught and counted as a failed run).
//
// Thread-safe: start() and stop() may be called from any thread; runOnce() is for tests and
// one-shot commands and must not overlap the worker's own thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "core/status.h"
#include "jobs/job_monitor.h"

namespace aisafe::jobs {

struct RunReport {
  std::int64_t items = 0;  // units of work done (deliveries attempted, rows deleted)
  bool more = false;       // more is waiting: run again at once instead of after the interval
};

using RunFn = std::function<Result<RunReport>(std::stop_token stop)>;

struct WorkerOptions {
  std::string name;                          // the `job` label: snake_case, fixed at build time
  std::chrono::milliseconds interval{1000};  // between runs (a queue's idle poll)
  bool run_at_start = true;  // first run right after start(), not one interval later
};

class Worker {
 public:
  // `monitor` outlives the worker; the worker declares its name there.
  Worker(WorkerOptions options, RunFn run, JobMonitor& monitor,
         std::function<double()> queue_depth = {});
  ~Worker();  // stop()s
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Starts the thread; no-op when running.
  void start();
  // Requests a stop, lets the current run finish and joins. Idempotent; start() may follow.
  void stop();
  bool running() const { return thread_.joinable(); }

  // One run on the calling thread, reported like the worker's own runs.
  Result<RunReport> runOnce(std::stop_token stop = {});

  const std::string& name() const { return options_.name; }

 private:
  void loop(const std::stop_token& stop);

  WorkerOptions options_;
  RunFn run_;
  JobMonitor& monitor_;
  std::mutex mu_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

}  // namespace aisafe::jobs
