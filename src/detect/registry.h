// The detector registry: every detector aisafe ships, by the name policies use. The list is
// explicit in registry.cc (no self-registration: unreferenced objects in static libraries are
// dropped by the linker). Built once at start, read-only afterwards.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "detect/detector.h"
#include "detect/rule_set.h"

namespace aisafe::detectors::semantic {
class Client;
}

namespace aisafe::detect {

class Registry {
 public:
  // Every built-in detector, with rule data from `rules`, the injection classifier's model
  // from `classifier_model` (empty: the model compiled in), the remote semantic detector's
  // client (null: not configured) and the regions whose phone numbers the pii detector knows
  // (PII_PHONE_REGIONS; empty: its broad default). Errors name the detector and rule.
  static Result<std::shared_ptr<const Registry>> builtins(
      const RuleSource& rules, const std::string& classifier_model = "",
      std::shared_ptr<const detectors::semantic::Client> semantic = nullptr,
      const std::vector<std::string>& phone_regions = {});

  // The factory registered under `name`, or nullptr.
  const DetectorFactory* find(std::string_view name) const;
  const std::vector<std::unique_ptr<DetectorFactory>>& factories() const { return factories_; }
  // Changes whenever the rule data or aisafe's version does: cached verdicts shared between
  // replicas (L2) carry it, so a rolling upgrade never serves a verdict of the old rules.
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  std::vector<std::unique_ptr<DetectorFactory>> factories_;
  std::string fingerprint_;
};

}  // namespace aisafe::detect
