// The canary and system-prompt-echo checks as output checks (detect/output_check.h), the shape
// the validation service runs on every answer.
#pragma once

#include <memory>

#include "detect/output_check.h"
#include "detectors/canary/canary_token.h"

namespace aisafe::detectors::canary {

// Canary words of the caller's organization in the answer (canary_token.h). `key` must outlive
// the check.
std::unique_ptr<const detect::OutputCheck> makeCanaryCheck(const CanaryKey& key);

// The system prompt, or a long enough piece of it, repeated in the answer (system_prompt_echo.h).
std::unique_ptr<const detect::OutputCheck> makeSystemPromptEchoCheck();

}  // namespace aisafe::detectors::canary
