#include "detectors/pii/pii_detector.h"

#include "detect/rule_set_detector.h"

namespace aisafe::detectors {

Result<std::unique_ptr<detect::DetectorFactory>> makePiiFactory(const detect::RuleSource& rules) {
  return detect::RuleSetDetectorFactory::load(rules, "pii",
                                              "personal data (email, phone, payment cards, US SSN, "
                                              "IBAN, IP addresses), confirmed by validators.",
                                              detect::SurfaceSet{.input = true, .output = true},
                                              /*default_caseless=*/false);
}

}  // namespace aisafe::detectors
