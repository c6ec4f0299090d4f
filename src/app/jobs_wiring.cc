#include "app/jobs_wiring.h"

#include <mutex>

#include "core/clock.h"
#include "telemetry/logging.h"

namespace aisafe::app {
namespace {

// Sentry sees a failed run as its own kind of event; the monitor already throttles repeats.
void reportJobFailure(Services& s, const std::string& job, const aisafe::Status& error) {
  if (s.error_reporter == nullptr) {
    return;
  }
  telemetry::ErrorEvent e;
  e.kind = "background_job";
  e.message = "background job " + job + " failed";
  e.fields = boost::json::object{{"job", job}, {"error", error.message()}};
  s.error_reporter->capture(std::move(e));
}

// A reading that costs a database query, taken at most once per `ttl` however many gauges and
// scrapers ask (the pending deliveries appear in two families).
class CachedReading {
 public:
  CachedReading(std::function<double()> read, std::chrono::milliseconds ttl)
      : read_(std::move(read)), ttl_(ttl) {}
  double operator()() {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (!taken_ || now - at_ >= ttl_) {
      value_ = read_();
      at_ = now;
      taken_ = true;
    }
    return value_;
  }

 private:
  std::function<double()> read_;
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  bool taken_ = false;
  double value_ = 0;
  std::chrono::steady_clock::time_point at_;
};

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
       &deleted](const std::stop_token& stop) -> Result<jobs::RunReport> {
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

void createWebhookDeliveryJob(Services& s) {
  auto pending = std::make_shared<CachedReading>(
      [deliveries = s.webhook_deliveries.get()] {
        auto n = deliveries->countPending();
        return n ? static_cast<double>(*n) : -1.0;
      },
      std::chrono::seconds(1));
  s.metrics_registry.gauge("aisafe_webhook_deliveries_pending",
                           "Deliveries waiting to be sent or retried (all replicas)",
                           [pending] { return (*pending)(); });
  auto disabled = std::make_shared<CachedReading>(
      [endpoints = s.webhook_repo.get()] {
        auto n = endpoints->countDisabledByFailures();
        return n ? static_cast<double>(*n) : -1.0;
      },
      std::chrono::seconds(1));
  s.metrics_registry.gauge("aisafe_webhook_endpoints_disabled",
                           "Endpoints disabled after repeated failed deliveries (all replicas)",
                           [disabled] { return (*disabled)(); });
  webhooks::DeliveryWorker* delivery = s.webhook_worker.get();
  s.webhook_delivery_job = std::make_unique<jobs::Worker>(
      jobs::WorkerOptions{.name = "webhook_delivery", .interval = delivery->options().poll},
      [delivery](std::stop_token stop) -> Result<jobs::RunReport> {
        AISAFE_TRY(int claimed, delivery->runOnce(std::move(stop)));
        // Busy: go on at once (more may have become due while sending); idle: poll.
        return jobs::RunReport{.items = claimed, .more = claimed > 0};
      },
      *s.job_monitor, [pending] { return (*pending)(); });
}

// Serve-only jobs: what requests leave behind in memory, and what other replicas change.
void createServeJobs(Services& s) {
  s.key_usage_job = std::make_unique<jobs::Worker>(
      jobs::WorkerOptions{.name = "api_key_usage",
                          .interval = std::chrono::milliseconds(s.config.key_usage_flush_ms),
                          .run_at_start = false},
      [keys = s.api_keys.get()](const std::stop_token&) -> Result<jobs::RunReport> {
        // Counts that could not be written stay in memory for the next run.
        AISAFE_TRY(std::size_t written, keys->flushUsage());
        return jobs::RunReport{.items = static_cast<std::int64_t>(written)};
      },
      *s.job_monitor);
  // The backstop for policy changes whose announcement was missed (or without Redis).
  s.policy_refresh_job = std::make_unique<jobs::Worker>(
      jobs::WorkerOptions{.name = "policy_refresh",
                          .interval = std::chrono::milliseconds(s.config.policy_refresh_ms),
                          .run_at_start = false},
      [policies = s.policies.get()](const std::stop_token&) -> Result<jobs::RunReport> {
        AISAFE_TRY(int changed, policies->refresh());
        return jobs::RunReport{.items = changed};
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

storage::BatchObserver batchObserver(Services& s, std::string job) {
  return [monitor = s.job_monitor.get(), job = std::move(job)](const storage::BatchReport& r) {
    monitor->finished(job, r.status, static_cast<std::int64_t>(r.records), r.seconds);
  };
}

Status createJobs(Services& s) {
  createRetentionJob(s);
  createWebhookDeliveryJob(s);
  createServeJobs(s);
  // The batch writers run their own threads; the monitor reads their queues.
  s.job_monitor->declare("audit_batching",
                         [audit = s.audit.get()] { return static_cast<double>(audit->depth()); });
  s.job_monitor->declare("webhook_events", [events = s.webhook_events.get()] {
    return static_cast<double>(events->depth());
  });
  s.job_monitor->declare("rate_limit_log", [log = s.rate_limit_log.get()] {
    return static_cast<double>(log->depth());
  });
  return Status::ok();
}

std::vector<std::string> startJobs(Services& s, JobHost host) {
  std::vector<std::string> started;
  const bool worker = host == JobHost::kWorker;
  const auto start = [&](jobs::Worker* job, bool in_serve) {
    if (job == nullptr || !(worker || in_serve)) {
      return;
    }
    job->start();
    started.push_back(job->name());
  };
  start(s.webhook_delivery_job.get(), s.config.webhook_worker);
  start(s.retention_job.get(), s.config.retention_worker);
  if (!worker) {
    start(s.key_usage_job.get(), true);
    start(s.policy_refresh_job.get(), true);
  }
  return started;
}

void stopJobs(Services& s) {
  // An attempt in flight finishes and is recorded; claimed ones not yet sent are given back.
  if (s.webhook_delivery_job) {
    s.webhook_delivery_job->stop();
  }
  if (s.retention_job) {
    s.retention_job->stop();
  }
  if (s.policy_refresh_job) {
    s.policy_refresh_job->stop();
  }
  if (s.key_usage_job && s.key_usage_job->running()) {
    s.key_usage_job->stop();
    // The last counts, through the job so a failure is reported like any other run.
    (void)s.key_usage_job->runOnce();  // swallowed: the run's failure is logged and reported
  }
}

}  // namespace aisafe::app
