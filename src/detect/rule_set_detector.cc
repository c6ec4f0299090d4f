#include "detect/rule_set_detector.h"

namespace aisafe::detect {

Result<std::unique_ptr<DetectorFactory>> RuleSetDetectorFactory::load(const RuleSource& source,
                                                                      std::string name,
                                                                      std::string description,
                                                                      SurfaceSet surfaces,
                                                                      bool default_caseless) {
  AISAFE_TRY(std::string text, source.read(name));
  auto parsed = parseRuleSet(text, default_caseless);
  if (!parsed) {
    return invalidArgument(name + ".json: " + parsed.status().message());
  }
  if (parsed->detector != name) {
    return invalidArgument(name + ".json: names detector \"" + parsed->detector + "\"");
  }
  std::unique_ptr<RuleSetDetectorFactory> f(new RuleSetDetectorFactory());
  f->name_ = std::move(name);
  f->description_ = std::move(description);
  f->surfaces_ = surfaces;
  f->rules_ = std::make_shared<const RuleSet>(std::move(parsed).value());
  return std::unique_ptr<DetectorFactory>(std::move(f));
}

Result<std::unique_ptr<const Detector>> RuleSetDetectorFactory::create(
    const boost::json::value& /*config*/) const {
  return std::unique_ptr<const Detector>(new RuleSetDetector(name_, surfaces_, rules_));
}

}  // namespace aisafe::detect
