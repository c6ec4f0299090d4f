// The remote stage of a validation: after the local scan, the policy's remote detectors (the
// semantic detector) are asked. The validation service skips this stage when the local findings
// already block (the answer could not change, so the round trip is saved). A detector that gives no
// verdict (not configured, lane full, breaker open, timeout, bad answer) is listed as degraded; the
// policy's on_detector_failure decides whether the validation continues without it or blocks.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "detect/finding.h"
#include "policy/compiled_policy.h"
#include "telemetry/metrics.h"
#include "validation/validation_request.h"

namespace aisafe::validation {

struct RemoteStageOptions {
  std::chrono::milliseconds timeout{2000};
  telemetry::Counter* calls = nullptr;      // {detector, outcome}
  telemetry::Histogram* seconds = nullptr;  // {detector}
};

struct RemoteOutcome {
  std::vector<std::string> degraded;  // detectors that gave no verdict
};

// Appends the remote detectors' findings for `text` to `findings` (and changes none of those
// already there). The calls run through `offload` (the outbound lane); the request resumes on
// its I/O thread.
boost::asio::awaitable<RemoteOutcome> runRemoteDetectors(
    const RemoteStageOptions& options, const Offload& offload, const telemetry::RequestTrace& trace,
    const policy::CompiledPolicy& pol, std::string_view text, std::string_view text_sha256,
    detect::Surface surface, detect::Findings& findings);

// The policy fails closed: the decision becomes block, with a finding per degraded detector
// spanning the text, so the answer says why.
void failClosed(policy::Decision& decision, const std::vector<std::string>& degraded,
                std::size_t text_length);

}  // namespace aisafe::validation
