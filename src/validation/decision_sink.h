// Where a finished validation is reported: the audit trail, the webhook events, the metrics, the
// request's trace. Each is a DecisionSink, told about every text the service decided, after the
// decision and off its critical path as far as each sink can be (they queue, they do not write).
// The built-in sinks are listed in one place (app/validation_wiring.cc); each is tested alone.
#pragma once

#include <cstdint>
#include <string_view>

#include "policy/compiled_policy.h"
#include "validation/validation_request.h"
#include "validation/verdict.h"

namespace aisafe::validation {

// One text's decision, as the sinks see it. Valid only during the call.
struct DecisionEvent {
  const Caller& caller;
  const policy::CompiledPolicy& policy;
  const Verdict& verdict;
  std::string_view text;         // sinks store it only where the policy says (log_raw_text)
  std::string_view text_sha256;  // hex
  std::string_view surface;      // input, retrieved, output
  bool from_cache = false;
  std::int64_t latency_us = 0;  // from the request's start to the decision
  const telemetry::RequestTrace& trace;
};

class DecisionSink {
 public:
  virtual ~DecisionSink() = default;
  virtual void record(const DecisionEvent& event) = 0;
};

}  // namespace aisafe::validation
