#include "app/organization_metrics.h"

namespace aisafe::app {

std::function<void(const http::RequestContext&)> organizationValidationCounter(Services& s) {
  if (!s.config.metrics_organization_label) {
    return {};
  }
  auto& counter = s.metrics_registry.counter("aisafe_validations_by_organization_total",
                                             "Validations by organization id and decision");
  return [&counter](const http::RequestContext& ctx) {
    // Only validation handlers set a decision; every validation has an organization (anonymous
    // ones are the default organization's).
    if (ctx.decision.empty() || ctx.organization_id.empty()) {
      return;
    }
    counter.inc({{"organization_id", ctx.organization_id}, {"decision", ctx.decision}});
  };
}

}  // namespace aisafe::app
