// A detector made entirely of pattern rules loaded from a rule file (prompt injection, PII,
// secrets). Each such detector's folder only names its rule file and surfaces; the behaviour is
// here once.
#pragma once

#include <memory>
#include <string>

#include "detect/detector.h"

namespace aisafe::detect {

class RuleSetDetector final : public Detector, public PatternSource {
 public:
  RuleSetDetector(std::string name, SurfaceSet surfaces, std::shared_ptr<const RuleSet> rules)
      : name_(std::move(name)), surfaces_(surfaces), rules_(std::move(rules)) {}

  std::string_view name() const override { return name_; }
  SurfaceSet surfaces() const override { return surfaces_; }
  const PatternSource* patternSource() const override { return this; }
  const std::vector<PatternRule>& patterns() const override { return rules_->rules; }

 private:
  std::string name_;
  SurfaceSet surfaces_;
  std::shared_ptr<const RuleSet> rules_;
};

// Factory for a RuleSetDetector: loads and checks `<name>.json` once; every policy that enables
// the detector shares the parsed rules.
class RuleSetDetectorFactory final : public DetectorFactory {
 public:
  // Loads the rule file; fails when it is missing, malformed or names another detector.
  static Result<std::unique_ptr<DetectorFactory>> load(const RuleSource& source, std::string name,
                                                       std::string description, SurfaceSet surfaces,
                                                       bool default_caseless);

  std::string_view name() const override { return name_; }
  std::string_view description() const override { return description_; }
  Result<std::unique_ptr<const Detector>> create(const boost::json::value& config) const override;
  const RuleSet& rules() const { return *rules_; }

 private:
  RuleSetDetectorFactory() = default;
  std::string name_;
  std::string description_;
  SurfaceSet surfaces_;
  std::shared_ptr<const RuleSet> rules_;
};

}  // namespace aisafe::detect
