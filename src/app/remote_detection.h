// The validation route's remote stage: after the local scan, the policy's remote detectors (the
// semantic detector) are asked, unless the local findings already block (the answer could not
// change, so the round trip is saved). A detector that gives no verdict (not configured, lane
// full, breaker open, timeout, bad answer) is listed as degraded; the policy's
// on_detector_failure decides whether the validation continues without it or blocks.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/services.h"
#include "http/router.h"
#include "policy/compiled_policy.h"

namespace aisafe::app {

// Null unless SEMANTIC_DETECTOR_URL is set. Errors: a bad SEMANTIC_DETECTOR_FORMAT.
Result<std::shared_ptr<detectors::semantic::Client>> makeSemanticClient(
    const Config& config, resilience::BreakerRegistry& breakers);

struct RemoteOutcome {
  std::vector<std::string> degraded;  // detectors that gave no verdict
};

// Appends the remote detectors' findings for `text` (whose hex SHA-256 the route computed
// already, for the audit record and cache keys) to `findings`. The calls run on the
// outbound lane (RequestContext::offload); the request resumes on its I/O thread.
http::awaitable<RemoteOutcome> runRemoteDetectors(Services& s, http::RequestContext& ctx,
                                                  const policy::CompiledPolicy& pol,
                                                  std::string_view text,
                                                  std::string_view text_sha256,
                                                  detect::Surface surface,
                                                  detect::Findings& findings);

// The policy fails closed: the decision becomes block, with a finding per degraded detector
// spanning the text, so the answer says why.
void failClosed(policy::Decision& decision, const std::vector<std::string>& degraded,
                std::size_t text_length);

}  // namespace aisafe::app
