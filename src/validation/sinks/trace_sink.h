// Decisions onto the request's server span: what was decided and by which policy, never what
// the text said.
#pragma once

#include "validation/decision_sink.h"

namespace aisafe::validation {

class TraceSink final : public DecisionSink {
 public:
  void record(const DecisionEvent& event) override;
};

}  // namespace aisafe::validation
