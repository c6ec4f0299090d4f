// Enforces each organization's audit_retention_days: deletes its audit records (table
// validations) older than that many days, or than the deployment's default
// (AUDIT_RETENTION_DAYS, 0: keep forever) when the organization sets none.
//
// One run walks every organization and cuts its old records in slices of `batch_size` rows,
// each slice its own short statement, with a pause between slices: a backlog of millions is
// worked off without ever holding the write lock for long or starving the audit writer. A run
// may be stopped between slices (graceful shutdown); what it did so far stays done. Several
// replicas may run it at the same time: slices are disjoint on PostgreSQL and serialized on
// SQLite (storage/validation_repository.h), and deleting what is already gone is a no-op.
//
// Not a scheduler: jobs/worker.h runs it every RETENTION_INTERVAL. Thread-compatible: one run
// at a time per instance (a run on another instance or replica is fine).
#pragma once

#include <chrono>
#include <cstdint>
#include <stop_token>

#include "core/status.h"
#include "storage/organization_repository.h"
#include "storage/validation_repository.h"

namespace aisafe::tenancy {

struct RetentionOptions {
  std::int64_t default_days = 90;  // organizations without audit_retention_days; 0: forever
  // Rows per DELETE. At ~1,000 rows a slice takes milliseconds on either database, so the
  // audit writer never waits long behind it.
  int batch_size = 1000;
  // Between slices: lets other writers in (SQLite has a single writer).
  std::chrono::milliseconds pause{5};
};

struct RetentionReport {
  std::int64_t deleted = 0;
  int organizations = 0;  // organizations with a retention in force
  bool stopped = false;   // stop was requested before the run finished
};

class AuditRetention {
 public:
  AuditRetention(storage::OrganizationRepository& orgs, storage::ValidationRepository& records,
                 RetentionOptions options)
      : orgs_(orgs), records_(records), options_(options) {}

  // One pass over every organization as of `now_ms`. Errors from the database end the run
  // (the next run resumes where it left off: nothing is half-deleted). An organization whose
  // stored settings cannot be read is skipped with a warning rather than cut by the default.
  Result<RetentionReport> run(std::int64_t now_ms, const std::stop_token& stop = {});

 private:
  storage::OrganizationRepository& orgs_;
  storage::ValidationRepository& records_;
  RetentionOptions options_;
};

}  // namespace aisafe::tenancy
