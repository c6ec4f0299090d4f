#include "detectors/indirect_injection/indirect_injection_detector.h"

#include "detect/rule_set_detector.h"

namespace aisafe::detectors {

Result<std::unique_ptr<detect::DetectorFactory>> makeIndirectInjectionFactory(
    const detect::RuleSource& rules) {
  return detect::RuleSetDetectorFactory::load(
      rules, "indirect_injection",
      "instructions hidden in retrieved content and addressed to the AI reading it (runs on "
      "validate requests with \"source\": \"retrieved\").",
      detect::SurfaceSet{.input = false, .output = false, .retrieved_only = true},
      /*default_caseless=*/true);
}

}  // namespace aisafe::detectors
