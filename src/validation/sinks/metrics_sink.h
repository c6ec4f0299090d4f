// Decisions into the Prometheus metrics: validations by decision and surface, findings by
// detector and category.
#pragma once

#include "telemetry/metrics.h"
#include "validation/decision_sink.h"

namespace aisafe::validation {

class MetricsSink final : public DecisionSink {
 public:
  // validations: {decision, surface}; detector_hits: {detector, category}.
  MetricsSink(telemetry::Counter& validations, telemetry::Counter& detector_hits)
      : validations_(validations), detector_hits_(detector_hits) {}
  void record(const DecisionEvent& event) override;

 private:
  telemetry::Counter& validations_;
  telemetry::Counter& detector_hits_;
};

}  // namespace aisafe::validation
