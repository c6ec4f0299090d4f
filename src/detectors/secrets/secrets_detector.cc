#include "detectors/secrets/secrets_detector.h"

#include "detect/rule_set_detector.h"

namespace aisafe::detectors {

Result<std::unique_ptr<detect::DetectorFactory>> makeSecretsFactory(
    const detect::RuleSource& rules) {
  return detect::RuleSetDetectorFactory::load(
      rules, "secrets",
      "credentials (cloud and SaaS API keys, tokens, private keys, JWTs, high-entropy password "
      "assignments).",
      detect::SurfaceSet{.input = true, .output = true},
      /*default_caseless=*/false);
}

}  // namespace aisafe::detectors
