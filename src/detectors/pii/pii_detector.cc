#include "detectors/pii/pii_detector.h"

#include "detect/rule_set_detector.h"
#include "detectors/pii/number_finder.h"
#include "detectors/pii/phone_library.h"

namespace aisafe::detectors {
namespace {

constexpr detect::SurfaceSet kSurfaces{.input = true, .output = true};

// Both kinds: email, SSN, IBAN and IP addresses are patterns (rules/pii.json); phone and card
// numbers are found by reading the text (number_finder.h).
class PiiDetector final : public detect::Detector,
                          public detect::PatternSource,
                          public detect::TextScanner {
 public:
  PiiDetector(std::unique_ptr<const detect::Detector> rules,
              std::shared_ptr<const pii::PhoneLibrary> phones)
      : rules_(std::move(rules)), phones_(std::move(phones)) {}

  std::string_view name() const override { return "pii"; }
  detect::SurfaceSet surfaces() const override { return kSurfaces; }
  const detect::PatternSource* patternSource() const override { return this; }
  const detect::TextScanner* textScanner() const override { return this; }
  const std::vector<detect::PatternRule>& patterns() const override {
    return rules_->patternSource()->patterns();
  }

  Status scan(const detect::ScanInput& in, detect::ScanScratch& /*scratch*/,
              detect::Findings& out) const override {
    thread_local std::vector<pii::NumberFinding> numbers;
    pii::findNumbers(in.normalized.text(), phones_.get(), numbers);
    for (auto& n : numbers) {
      const auto [start, end] = in.normalized.toOriginal(n.begin, n.end);
      detect::Finding f;
      f.detector = "pii";
      f.rule_id = std::string(n.rule_id);
      f.category = "pii";
      const bool card = n.kind == pii::NumberKind::kCard;
      f.type = card ? "credit_card" : "phone";
      f.severity = card ? detect::Severity::kHigh : detect::Severity::kMedium;
      f.score = n.score;
      f.start = start;
      f.end = end;
      f.message = std::move(n.message);
      f.redact_as = card ? "CREDIT_CARD" : "PHONE";
      f.layer = "text";
      out.push_back(std::move(f));
    }
    return Status::ok();
  }

 private:
  std::unique_ptr<const detect::Detector> rules_;  // email, SSN, IBAN, IP: rules/pii.json
  std::shared_ptr<const pii::PhoneLibrary> phones_;
};

class PiiDetectorFactory final : public detect::DetectorFactory {
 public:
  PiiDetectorFactory(std::unique_ptr<detect::DetectorFactory> rules,
                     std::shared_ptr<const pii::PhoneLibrary> phones)
      : rules_(std::move(rules)), phones_(std::move(phones)) {}

  std::string_view name() const override { return "pii"; }
  std::string_view description() const override { return rules_->description(); }
  Result<std::unique_ptr<const detect::Detector>> create(
      const boost::json::value& config) const override {
    AISAFE_TRY(auto rules, rules_->create(config));
    return std::unique_ptr<const detect::Detector>(new PiiDetector(std::move(rules), phones_));
  }

 private:
  std::unique_ptr<detect::DetectorFactory> rules_;
  std::shared_ptr<const pii::PhoneLibrary> phones_;
};

}  // namespace

Result<std::unique_ptr<detect::DetectorFactory>> makePiiFactory(
    const detect::RuleSource& rules, const std::vector<std::string>& phone_regions) {
  AISAFE_TRY(auto rule_set, detect::RuleSetDetectorFactory::load(
                                rules, "pii",
                                "personal data (email, phone numbers of the configured regions, "
                                "payment cards by issuer range and Luhn, US SSN, IBAN, IP "
                                "addresses), confirmed by validators and context.",
                                kSurfaces, /*default_caseless=*/false));
  AISAFE_TRY(auto phones, pii::PhoneLibrary::create(phone_regions));
  return std::unique_ptr<detect::DetectorFactory>(
      new PiiDetectorFactory(std::move(rule_set), std::move(phones)));
}

}  // namespace aisafe::detectors
