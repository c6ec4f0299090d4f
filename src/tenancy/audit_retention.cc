#include "tenancy/audit_retention.h"

#include <thread>

#include <boost/json/parse.hpp>

#include "telemetry/logging.h"
#include "tenancy/organization_service.h"

namespace aisafe::tenancy {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

}  // namespace

Result<RetentionReport> AuditRetention::run(std::int64_t now_ms, const std::stop_token& stop) {
  RetentionReport report;
  AISAFE_TRY(auto orgs, orgs_.list());
  for (const auto& org : orgs) {
    boost::system::error_code ec;
    const boost::json::value json = boost::json::parse(org.settings, ec);
    auto settings =
        ec ? Result<OrganizationSettings>(internalError(ec.message())) : parseSettings(json);
    if (!settings) {
      telemetry::logWarn("audit retention skips an organization whose settings do not parse",
                         {{"organization_id", org.id}, {"error", settings.status().message()}});
      continue;
    }
    const std::int64_t days = settings->audit_retention_days.value_or(options_.default_days);
    if (days <= 0) {
      continue;  // keep forever
    }
    ++report.organizations;
    const std::int64_t cutoff = now_ms - days * kDayMs;
    for (;;) {
      if (stop.stop_requested()) {
        report.stopped = true;
        return report;
      }
      AISAFE_TRY(std::int64_t n, records_.deleteOlderThan(org.id, cutoff, options_.batch_size));
      report.deleted += n;
      if (n < options_.batch_size) {
        break;
      }
      std::this_thread::sleep_for(options_.pause);
    }
  }
  return report;
}

}  // namespace aisafe::tenancy
