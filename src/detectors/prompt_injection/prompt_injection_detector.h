// The "prompt_injection" detector: instruction override, jailbreak personas, system-prompt
// extraction, developer mode and fake system messages, in several languages. Its patterns are data
// in rules/prompt_injection.json; this folder only names them and says what it scans.
#pragma once

#include <memory>

#include "detect/detector.h"

namespace aisafe::detectors {

Result<std::unique_ptr<detect::DetectorFactory>> makePromptInjectionFactory(
    const detect::RuleSource& rules);

}  // namespace aisafe::detectors
