// The "secrets" detector: credentials (cloud and SaaS API keys, tokens, private keys, JWTs,
// high-entropy password assignments). Its patterns are data in rules/secrets.json; this folder only
// names them and says what it scans.
#pragma once

#include <memory>

#include "detect/detector.h"

namespace aisafe::detectors {

Result<std::unique_ptr<detect::DetectorFactory>> makeSecretsFactory(
    const detect::RuleSource& rules);

}  // namespace aisafe::detectors
