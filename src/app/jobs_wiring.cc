#include "app/jobs_wiring.h"

#include "core/clock.h"
#include "telemetry/logging.h"

namespace aisafe::app {
namespace {

// Sentry sees a failed run as its own kind of event; the monitor already throttles repeats.
void reportJobFailure(Services& s, const std::string& job, const aisafe::Status& error) {
  if (s.error_reporter == nullptr) return;
  telemetry::ErrorEvent e;
  e.kind = "background_job";
  e.message = "background job " + job + " failed";
  e.fields = boost::json::object{{"job", job}, {"error", error.message()}};
  s.error_reporter->capture(std::move(e));
}

void createRetentionJob(Services& s) {
  tenancy::RetentionOptions options;
  options.default_days = s.config.audit_retention_days;
  s.audit_retention =
      std::make_unique<tenancy::AuditRetention>(*s.org_repo, *s.validation_repo, options);
  auto& deleted = s.metrics_registry.counter("aisafe_audit_retention_deleted_total",
                                             "Audit records deleted because they outlived "
                                             "their organization's retention");
  deleted.inc({}, 0);  // the series exists from the start, so rate() has a baseline
  s.retention_job = std::make_unique<jobs::Worker>(
      jobs::WorkerOptions{.name = "audit_retention",
                          .interval = std::chrono::milliseconds(s.config.retention_interval_ms)},
      [retention = s.audit_retention.get(),
       &deleted](std::stop_token stop) -> Result<jobs::RunReport> {
        AISAFE_TRY(tenancy::RetentionReport report, retention->run(clock::nowMs(), stop));
        if (report.deleted > 0) {
          deleted.inc({}, static_cast<double>(report.deleted));
          telemetry::logInfo("audit records past retention deleted",
                             {{"deleted", report.deleted},
                              {"organizations", report.organizations},
                              {"stopped", report.stopped}});
        }
        return jobs::RunReport{.items = report.deleted, .more = false};
      },
      *s.job_monitor);
}

}  // namespace

void createJobMonitor(Services& s) {
  s.job_monitor = std::make_unique<jobs::JobMonitor>(
      s.metrics_registry, [&s](const std::string& job, const aisafe::Status& error) {
        reportJobFailure(s, job, error);
      });
}

Status createJobs(Services& s) {
  createRetentionJob(s);
  return Status::ok();
}

std::vector<std::string> startJobs(Services& s, JobHost host) {
  std::vector<std::string> started;
  const bool worker = host == JobHost::kWorker;
  if (s.retention_job && (worker || s.config.retention_worker)) {
    s.retention_job->start();
    started.push_back(s.retention_job->name());
  }
  return started;
}

void stopJobs(Services& s) {
  if (s.retention_job) s.retention_job->stop();
}

}  // namespace aisafe::app
