// The remote detectors' client, built from the config (validation/remote_stage.h calls them).
#pragma once

#include <memory>

#include "core/config.h"
#include "core/status.h"
#include "detectors/semantic/semantic_client.h"
#include "resilience/circuit_breaker.h"

namespace aisafe::app {

// Null unless SEMANTIC_DETECTOR_URL is set. Errors: a bad SEMANTIC_DETECTOR_FORMAT.
Result<std::shared_ptr<detectors::semantic::Client>> makeSemanticClient(
    const Config& config, resilience::BreakerRegistry& breakers);

}  // namespace aisafe::app
