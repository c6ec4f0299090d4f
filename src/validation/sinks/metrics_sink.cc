#include "validation/sinks/metrics_sink.h"

namespace aisafe::validation {

void MetricsSink::record(const DecisionEvent& event) {
  // Label sets rendered once per thread and value pair: rendering them costs allocations.
  thread_local telemetry::LabelPairCache validation_labels("decision", "surface");
  thread_local telemetry::LabelPairCache hit_labels("detector", "category");
  validations_.incRendered(validation_labels.rendered(event.verdict.decision, event.surface));
  for (const auto& [detector, category] : event.verdict.hits) {
    detector_hits_.incRendered(hit_labels.rendered(detector, category));
  }
}

}  // namespace aisafe::validation
