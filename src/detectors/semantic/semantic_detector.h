// The "semantic" detector: asks a remote guard model (Llama Guard behind an OpenAI-compatible
// endpoint, or any service speaking the json format) whether a text is unsafe. A remote
// detector (a detect::RemoteChecker): the pipeline skips it and the validation service runs check()
// on the outbound lane after the local scan. An "unsafe" verdict becomes one finding per
// category named ("unsafe_content", type "s1", ...), spanning the whole text; policies block
// them unless their actions say otherwise. Without SEMANTIC_DETECTOR_URL every check fails with
// "not_configured", so a policy naming it answers degraded rather than failing to load.
#pragma once

#include <memory>

#include "detect/detector.h"
#include "detectors/semantic/semantic_client.h"

namespace aisafe::detectors {

// `client` may be null (not configured).
std::unique_ptr<detect::DetectorFactory> makeSemanticFactory(
    std::shared_ptr<const semantic::Client> client);

// The findings for an unsafe verdict on a text of `length` bytes (none for a safe one).
void appendSemanticFindings(const semantic::Verdict& verdict, std::size_t length,
                            detect::Findings& out);

}  // namespace aisafe::detectors
