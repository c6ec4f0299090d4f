#include "detectors/injection_classifier/injection_classifier_detector.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "crypto/sha256.h"
#include "detectors/injection_classifier/text_features.h"

namespace aisafe::detectors {
namespace {

namespace json = boost::json;
using classifier::Model;

// The two thresholds a policy gives the classifier (probabilities).
struct Bands {
  double flag = 0.5;   // from here a text is reported
  double block = 0.9;  // from here it blocks on its own; below, only when corroborated
};

class InjectionClassifier final : public detect::Detector, public detect::TextScanner {
 public:
  InjectionClassifier(std::shared_ptr<const Model> model, Bands bands)
      : model_(std::move(model)), bands_(bands) {}

  std::string_view name() const override { return "injection_classifier"; }
  detect::SurfaceSet surfaces() const override { return {.input = true, .output = false}; }
  const detect::TextScanner* textScanner() const override { return this; }

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
    if (best.probability < bands_.flag) {
      return Status::ok();
    }
    const bool blocks_alone = best.probability >= bands_.block;
    const std::size_t from = folded.byte_of[best.begin];
    const std::size_t to = best.end < folded.code_points ? folded.byte_of[best.end] : text.size();
    const auto [start, end] = in.normalized.toOriginal(from, std::max(to, from + 1));
    detect::Finding f;
    f.detector = "injection_classifier";
    f.rule_id = "injection_classifier";
    f.category = "prompt_injection";
    f.type = "classifier";
    f.severity = blocks_alone ? detect::Severity::kHigh : detect::Severity::kMedium;
    f.band = blocks_alone ? "block" : "flag";
    f.needs_corroboration = !blocks_alone;
    f.score = best.probability;
    f.start = start;
    f.end = end;
    char message[200];
    std::snprintf(message, sizeof message,
                  "the learned classifier rates this text as an injection or jailbreak attempt "
                  "(probability %.2f; flag from %.2f, block alone from %.2f)",
                  best.probability, bands_.flag, bands_.block);
    f.message = message;
    f.layer = "text";
    out.push_back(std::move(f));
    return Status::ok();
  }

 private:
  std::shared_ptr<const Model> model_;
  Bands bands_;
};

// A threshold of the config into `out`; absent or null leaves `out` as it is.
Status readThreshold(const json::object& config, const char* key, double& out) {
  const auto* t = config.if_contains(key);
  if (t == nullptr || t->is_null()) {
    return Status::ok();
  }
  const std::string field = std::string("thresholds.") + key;
  if (!t->is_number()) {
    return unprocessable(field + ": expected a number");
  }
  const double value = t->to_number<double>();
  if (!(value > 0.0 && value < 1.0)) {
    return unprocessable(field + ": expected a number between 0 and 1");
  }
  out = value;
  return Status::ok();
}

class InjectionClassifierFactory final : public detect::DetectorFactory {
 public:
  explicit InjectionClassifierFactory(std::shared_ptr<const Model> model)
      : model_(std::move(model)) {}

  std::string_view name() const override { return "injection_classifier"; }
  std::string_view description() const override {
    return "A learned classifier (hashed word and character n-grams, calibrated) for injections "
           "and jailbreaks the rules have no words for: paraphrases, translations, role-play.";
  }

  // Config: {"classifier_flag": p, "classifier_block": p}, each optional (absent or null: the
  // model's own). The block threshold never falls below the flag threshold.
  Result<std::unique_ptr<const detect::Detector>> create(const json::value& config) const override {
    Bands bands{model_->flag_threshold, model_->block_threshold};
    if (config.is_object()) {
      const auto& o = config.get_object();
      AISAFE_RETURN_IF_ERROR(readThreshold(o, "classifier_flag", bands.flag));
      AISAFE_RETURN_IF_ERROR(readThreshold(o, "classifier_block", bands.block));
      bands.block = std::max(bands.block, bands.flag);
    }
    return std::unique_ptr<const detect::Detector>(
        std::make_unique<InjectionClassifier>(model_, bands));
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
  digest = crypto::sha256Hex(bytes);
  auto model = Model::parse(bytes);
  if (!model) {
    return invalidArgument("injection classifier model " +
                           (model_path.empty() ? std::string("(embedded)") : model_path) + ": " +
                           model.status().message());
  }
  return makeInjectionClassifierFactory(std::make_shared<const Model>(std::move(model).value()));
}

std::unique_ptr<detect::DetectorFactory> makeInjectionClassifierFactory(
    std::shared_ptr<const classifier::Model> model) {
  return std::make_unique<InjectionClassifierFactory>(std::move(model));
}

}  // namespace aisafe::detectors
