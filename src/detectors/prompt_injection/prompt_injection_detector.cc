#include "detectors/prompt_injection/prompt_injection_detector.h"

#include "detect/rule_set_detector.h"

namespace aisafe::detectors {

Result<std::unique_ptr<detect::DetectorFactory>> makePromptInjectionFactory(
    const detect::RuleSource& rules) {
  return detect::RuleSetDetectorFactory::load(
      rules, "prompt_injection",
      "instruction override, jailbreak personas, system-prompt extraction, developer mode and fake "
      "system messages, in several languages.",
      detect::SurfaceSet{.input = true, .output = false},
      /*default_caseless=*/true);
}

}  // namespace aisafe::detectors
