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
    thread_local telemetry::LabelPairCache labels("organization_id", "decision");
    counter.incRendered(labels.rendered(ctx.organization_id, ctx.decision));
  };
}

}  // namespace aisafe::app
