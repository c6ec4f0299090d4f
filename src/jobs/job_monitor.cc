#include "jobs/job_monitor.h"

#include <utility>
#include <vector>

#include "core/clock.h"
#include "telemetry/logging.h"

namespace aisafe::jobs {

const char* toString(Outcome outcome) {
  switch (outcome) {
    case Outcome::kSuccess:
      return "success";
    case Outcome::kIdle:
      return "idle";
    case Outcome::kFailure:
      return "failure";
  }
  return "failure";
}

JobMonitor::JobMonitor(telemetry::Registry& registry, FailureHandler on_failure)
    : runs_(registry.counter("aisafe_job_runs_total",
                             "Background job runs by job and outcome (success, idle, failure)")),
      seconds_(registry.histogram("aisafe_job_duration_seconds",
                                  "Background job run durations by job",
                                  {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300})),
      on_failure_(std::move(on_failure)) {
  registry.gaugeFamily("aisafe_job_last_success_timestamp_seconds",
                       "Unix time of each background job's last successful run (0: none yet)",
                       [this] {
                         telemetry::Registry::Samples out;
                         std::lock_guard lock(mu_);
                         for (const auto& [job, state] : jobs_) {
                           out.push_back({{{"job", job}}, state.last_success_s});
                         }
                         return out;
                       });
  registry.gaugeFamily("aisafe_job_queue_depth",
                       "Work waiting for each background job that has a queue", [this] {
                         std::vector<std::pair<std::string, std::function<double()>>> readers;
                         {
                           std::lock_guard lock(mu_);
                           for (const auto& [job, state] : jobs_) {
                             if (state.depth) {
                               readers.emplace_back(job, state.depth);
                             }
                           }
                         }
                         telemetry::Registry::Samples out;
                         for (const auto& [job, read] : readers) {
                           out.push_back({{{"job", job}}, read()});
                         }
                         return out;
                       });
}

void JobMonitor::declare(const std::string& job, std::function<double()> depth) {
  std::lock_guard lock(mu_);
  jobs_[job].depth = std::move(depth);
}

Outcome JobMonitor::finished(const std::string& job, const Status& status, std::int64_t items,
                             double seconds) {
  const Outcome outcome =
      !status.isOk() ? Outcome::kFailure : (items == 0 ? Outcome::kIdle : Outcome::kSuccess);
  runs_.inc({{"job", job}, {"outcome", toString(outcome)}});
  seconds_.observe(seconds, {{"job", job}});
  bool report = false, recovered = false;
  {
    std::lock_guard lock(mu_);
    JobState& state = jobs_[job];
    const auto now = std::chrono::steady_clock::now();
    if (outcome == Outcome::kFailure) {
      report = !state.failing || now - state.last_report >= kReportEvery;
      if (report) {
        state.last_report = now;
      }
      state.failing = true;
    } else {
      recovered = state.failing;
      state.failing = false;
      state.last_success_s = static_cast<double>(clock::nowMs()) / 1000.0;
    }
  }
  if (report) {
    // Warn, not error: error lines go to Sentry by themselves, and the handler reports this one
    // as a failed job (one event, not two).
    telemetry::logWarn("background job failed", {{"job", job}, {"error", status.message()}});
    if (on_failure_) {
      on_failure_(job, status);
    }
  } else if (recovered) {
    telemetry::logInfo("background job recovered", {{"job", job}});
  }
  return outcome;
}

double JobMonitor::lastSuccess(const std::string& job) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(job);
  return it == jobs_.end() ? 0.0 : it->second.last_success_s;
}

}  // namespace aisafe::jobs
