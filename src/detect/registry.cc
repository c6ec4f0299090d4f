#include "detect/registry.h"

#include "crypto/sha256.h"
#include "detectors/adversarial_suffix/adversarial_suffix_detector.h"
#include "detectors/custom/custom_detector.h"
#include "detectors/indirect_injection/indirect_injection_detector.h"
#include "detectors/injection_classifier/injection_classifier_detector.h"
#include "detectors/invisible_text/invisible_text_detector.h"
#include "detectors/pii/pii_detector.h"
#include "detectors/prompt_injection/prompt_injection_detector.h"
#include "detectors/secrets/secrets_detector.h"
#include "detectors/semantic/semantic_detector.h"

namespace aisafe::detect {

Result<std::shared_ptr<const Registry>> Registry::builtins(
    const RuleSource& rules, const std::string& classifier_model,
    std::shared_ptr<const detectors::semantic::Client> semantic,
    const std::vector<std::string>& phone_regions) {
  auto registry = std::make_shared<Registry>();
  AISAFE_TRY(auto injection, detectors::makePromptInjectionFactory(rules));
  registry->factories_.push_back(std::move(injection));
  std::string model_digest;
  AISAFE_TRY(auto classifier,
             detectors::makeInjectionClassifierFactory(classifier_model, model_digest));
  registry->factories_.push_back(std::move(classifier));
  std::string suffix_digest;
  AISAFE_TRY(auto suffix, detectors::makeAdversarialSuffixFactory("", suffix_digest));
  registry->factories_.push_back(std::move(suffix));
  AISAFE_TRY(auto indirect, detectors::makeIndirectInjectionFactory(rules));
  registry->factories_.push_back(std::move(indirect));
  AISAFE_TRY(auto pii, detectors::makePiiFactory(rules, phone_regions));
  registry->factories_.push_back(std::move(pii));
  AISAFE_TRY(auto secrets, detectors::makeSecretsFactory(rules));
  registry->factories_.push_back(std::move(secrets));
  registry->factories_.push_back(detectors::makeInvisibleTextFactory());
  registry->factories_.push_back(detectors::makeCustomFactory());
  // Cached verdicts shared between replicas must change when the guard service does.
  const std::string semantic_id = semantic ? "-" + semantic->fingerprint() : "";
  registry->factories_.push_back(detectors::makeSemanticFactory(std::move(semantic)));
  // ... and when the phone regions do: the same text can then hold other phone numbers.
  std::string regions;
  for (const auto& region : phone_regions) {
    regions += region + ",";
  }
  const std::string regions_id =
      regions.empty() ? "" : "-" + crypto::sha256Hex(regions).substr(0, 12);
  registry->fingerprint_ = std::string(AISAFE_VERSION) + "-" + rules.fingerprint().substr(0, 16) +
                           "-" + model_digest.substr(0, 16) + "-" + suffix_digest.substr(0, 16) +
                           semantic_id + regions_id;
  return std::shared_ptr<const Registry>(std::move(registry));
}

const DetectorFactory* Registry::find(std::string_view name) const {
  for (const auto& f : factories_) {
    if (f->name() == name) {
      return f.get();
    }
  }
  return nullptr;
}

}  // namespace aisafe::detect
