// The "indirect_injection" detector: instructions planted in content an application retrieves
// (web pages, emails, documents, search results) and addressed to the AI that will read them:
// "AI assistant reading this: ...", instructions hidden in HTML or markdown comments and in
// invisible styling, "do not tell the user", orders to send data somewhere. It runs only on
// validate requests marked "source": "retrieved": in a user's own prompt, talking to the AI is
// the point, and these rules would be noise.
#pragma once

#include <memory>

#include "core/status.h"
#include "detect/detector.h"
#include "detect/rule_set.h"

namespace aisafe::detectors {

Result<std::unique_ptr<detect::DetectorFactory>> makeIndirectInjectionFactory(
    const detect::RuleSource& rules);

}  // namespace aisafe::detectors
