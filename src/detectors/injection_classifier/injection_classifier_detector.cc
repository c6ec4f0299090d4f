#include "detectors/injection_classifier/injection_classifier_detector.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/hash.h"
#include "detectors/injection_classifier/text_features.h"

namespace aisafe::detectors {
namespace {

namespace json = boost::json;
using classifier::Model;

class InjectionClassifier final : public detect::Detector {
 public:
  InjectionClassifier(std::shared_ptr<const Model> model, double threshold)
      : model_(std::move(model)), threshold_(threshold) {}

  std::string_view name() const override { return "injection_classifier"; }
  detect::SurfaceSet surfaces() const override { return {.input = true, .output = false}; }

  Status scan(const detect::ScanInput& in, detect::ScanScratch& /*scratch*/,
              detect::Findings& out) const override {
    thread_local classifier::FoldedText folded;
    const std::string_view text = in.normalized.text();
    if (text.empty()) {
      return Status::ok();
    }
    classifier::foldText(text, folded);
    if (folded.code_points == 0) {
      return Status::ok();
    }
    const classifier::WindowScore best = model_->score(folded);
    if (best.probability < threshold_) {
      return Status::ok();
    }
    const std::size_t from = folded.byte_of[best.begin];
    const std::size_t to = best.end < folded.code_points ? folded.byte_of[best.end] : text.size();
    const auto [start, end] = in.normalized.toOriginal(from, std::max(to, from + 1));
    detect::Finding f;
    f.detector = "injection_classifier";
    f.rule_id = "injection_classifier";
    f.category = "prompt_injection";
    f.type = "classifier";
    f.severity = best.probability >= 0.9 ? detect::Severity::kHigh : detect::Severity::kMedium;
    f.score = best.probability;
    f.start = start;
    f.end = end;
    char message[160];
    std::snprintf(message, sizeof message,
                  "the learned classifier rates this text as an injection or jailbreak attempt "
                  "(probability %.2f, threshold %.2f)",
                  best.probability, threshold_);
    f.message = message;
    f.layer = "text";
    out.push_back(std::move(f));
    return Status::ok();
  }

 private:
  std::shared_ptr<const Model> model_;
  double threshold_;
};

class InjectionClassifierFactory final : public detect::DetectorFactory {
 public:
  explicit InjectionClassifierFactory(std::shared_ptr<const Model> model)
      : model_(std::move(model)) {}

  std::string_view name() const override { return "injection_classifier"; }
  std::string_view description() const override {
    return "A learned classifier (hashed word and character n-grams, calibrated) for injections "
           "and jailbreaks the rules have no words for: paraphrases, translations, role-play.";
  }

  // Config: {"threshold": number in (0, 1)}, or null for the model's own threshold.
  Result<std::unique_ptr<const detect::Detector>> create(const json::value& config) const override {
    double threshold = model_->threshold;
    if (config.is_object()) {
      if (const auto* t = config.get_object().if_contains("threshold"); t && !t->is_null()) {
        if (!t->is_number()) {
          return unprocessable("thresholds.classifier: expected a number");
        }
        threshold = t->to_number<double>();
        if (!(threshold > 0.0 && threshold < 1.0)) {
          return unprocessable("thresholds.classifier: expected a number between 0 and 1");
        }
      }
    }
    return std::unique_ptr<const detect::Detector>(
        std::make_unique<InjectionClassifier>(model_, threshold));
  }

 private:
  std::shared_ptr<const Model> model_;
};

}  // namespace

Result<std::unique_ptr<detect::DetectorFactory>> makeInjectionClassifierFactory(
    const std::string& model_path, std::string& digest) {
  std::string bytes;
  if (model_path.empty()) {
    bytes = std::string(embeddedInjectionModel());
  } else {
    std::ifstream in(model_path, std::ios::binary);
    if (!in) {
      return invalidArgument("INJECTION_MODEL: cannot read " + model_path);
    }
    std::stringstream ss;
    ss << in.rdbuf();
    bytes = ss.str();
  }
  auto model = Model::parse(bytes);
  if (!model) {
    return invalidArgument("injection classifier model " +
                           (model_path.empty() ? std::string("(embedded)") : model_path) + ": " +
                           model.status().message());
  }
  digest = hash::sha256Hex(bytes);
  return std::unique_ptr<detect::DetectorFactory>(std::make_unique<InjectionClassifierFactory>(
      std::make_shared<const Model>(std::move(model).value())));
}

}  // namespace aisafe::detectors
