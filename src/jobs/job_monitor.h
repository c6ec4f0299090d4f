// The background jobs' capability folder (src/jobs): everything aisafe does off the request
// path on a schedule or from a queue — webhook delivery, audit batching, audit retention — is a
// named job, and this monitor is the one place that turns a job's runs into metrics, logs and
// error reports, so every job is watched the same way whatever it does:
//   aisafe_job_runs_total{job, outcome}          outcome: success, idle (nothing to do), failure
//   aisafe_job_duration_seconds{job}             histogram of run durations
//   aisafe_job_last_success_timestamp_seconds{job}  0 until the first successful run
//   aisafe_job_queue_depth{job}                  only for jobs with a queue (read at scrape)
// A failed run is logged (warn) and handed to the failure handler (the app sends it to Sentry as
// "a failed background job") when a job starts failing, and again at most every 10 minutes
// while it keeps failing; its recovery is logged once. A job polling every 500 ms against a
// database that is down therefore makes one report, not two a second.
//
// What is not here: threads. jobs/worker.h runs a function on a schedule and reports to this
// monitor; writers with their own thread (storage/batch_writer.h) report their batches to it.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "core/status.h"
#include "telemetry/metrics.h"

namespace aisafe::jobs {

enum class Outcome { kSuccess, kIdle, kFailure };
const char* toString(Outcome outcome);

// Called on the job's thread with the job's name and why the run failed; must not block long.
using FailureHandler = std::function<void(const std::string& job, const Status& error)>;

class JobMonitor {
 public:
  // Repeated reports of a job that keeps failing.
  static constexpr std::chrono::minutes kReportEvery{10};

  // Registers the metric families on `registry`. Its gauges read the monitor: the registry must
  // not render once the monitor is gone (destroy the monitor first, with nothing scraping).
  explicit JobMonitor(telemetry::Registry& registry, FailureHandler on_failure = {});
  JobMonitor(const JobMonitor&) = delete;
  JobMonitor& operator=(const JobMonitor&) = delete;

  // Declares a job, so its last-success series exists (0) before its first run. `depth`, when
  // set, is read at every scrape as the job's queue depth (outside the monitor's lock: it may
  // query a database). Declaring twice replaces the depth reader.
  void declare(const std::string& job, std::function<double()> depth = {});

  // Records one finished run: an error is a failure, `items` == 0 an idle run (it looked and
  // found nothing to do), anything else a success. `seconds`: how long the run took.
  Outcome finished(const std::string& job, const Status& status, std::int64_t items,
                   double seconds);

  // Wall-clock seconds of the job's last success (idle runs count), 0 if none (tests).
  double lastSuccess(const std::string& job) const;

 private:
  struct JobState {
    std::function<double()> depth;
    double last_success_s = 0;
    bool failing = false;
    std::chrono::steady_clock::time_point last_report{};
  };

  telemetry::Counter& runs_;
  telemetry::Histogram& seconds_;
  FailureHandler on_failure_;
  mutable std::mutex mu_;
  std::map<std::string, JobState> jobs_;
};

}  // namespace aisafe::jobs
