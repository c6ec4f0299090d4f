// Everything a running aisafe holds, built once by App and handed to the route handlers.
// The handlers see only what they need through this struct; nothing here is global.
#pragma once

#include <memory>

#include "core/config.h"
#include "detect/registry.h"
#include "policy/policy_service.h"
#include "storage/audit_writer.h"
#include "storage/database.h"
#include "storage/policy_repository.h"
#include "storage/validation_repository.h"
#include "telemetry/metrics.h"

namespace aisafe::app {

struct Metrics {
  explicit Metrics(telemetry::Registry& r);
  telemetry::Counter& requests;
  telemetry::Histogram& request_seconds;
  telemetry::Counter& validations;
  telemetry::Counter& detector_hits;
  telemetry::Histogram& scan_seconds;
  telemetry::Counter& audit_failures;
};

struct Services {
  Config config;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<storage::PolicyRepository> policy_repo;
  std::unique_ptr<storage::ValidationRepository> validation_repo;
  std::unique_ptr<storage::AuditWriter> audit;
  std::shared_ptr<const detect::Registry> registry;
  std::unique_ptr<policy::PolicyService> policies;
  telemetry::Registry metrics_registry;
  std::unique_ptr<Metrics> metrics;
};

}  // namespace aisafe::app
