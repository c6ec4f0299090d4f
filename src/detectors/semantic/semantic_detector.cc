#include "detectors/semantic/semantic_detector.h"

namespace aisafe::detectors {
namespace {

class SemanticDetector final : public detect::Detector, public detect::RemoteChecker {
 public:
  explicit SemanticDetector(std::shared_ptr<const semantic::Client> client)
      : client_(std::move(client)) {}

  std::string_view name() const override { return "semantic"; }
  detect::SurfaceSet surfaces() const override { return {.input = true, .output = true}; }
  const detect::RemoteChecker* remoteChecker() const override { return this; }

  Status check(const detect::RemoteCheck& in, detect::Findings& out) const override {
    if (!client_) {
      return Status(
          StatusCode::kUnavailable,
          "the semantic detector is not configured on this server (SEMANTIC_DETECTOR_URL)",
          "not_configured");
    }
    AISAFE_TRY(semantic::Verdict verdict, client_->classify(in));
    appendSemanticFindings(verdict, in.text.size(), out);
    return Status::ok();
  }

  bool checkCached(const detect::RemoteCheck& in, detect::Findings& out) const override {
    if (!client_) {
      return false;
    }
    auto verdict = client_->cached(in);
    if (!verdict) {
      return false;
    }
    appendSemanticFindings(*verdict, in.text.size(), out);
    return true;
  }

 private:
  std::shared_ptr<const semantic::Client> client_;
};

class SemanticFactory final : public detect::DetectorFactory {
 public:
  explicit SemanticFactory(std::shared_ptr<const semantic::Client> client)
      : client_(std::move(client)) {}
  std::string_view name() const override { return "semantic"; }
  std::string_view description() const override {
    return "a remote guard model's judgement of harmful content (SEMANTIC_DETECTOR_URL)";
  }
  Result<std::unique_ptr<const detect::Detector>> create(
      const boost::json::value& /*config*/) const override {
    return std::unique_ptr<const detect::Detector>(new SemanticDetector(client_));
  }

 private:
  std::shared_ptr<const semantic::Client> client_;
};

}  // namespace

std::unique_ptr<detect::DetectorFactory> makeSemanticFactory(
    std::shared_ptr<const semantic::Client> client) {
  return std::make_unique<SemanticFactory>(std::move(client));
}

void appendSemanticFindings(const semantic::Verdict& verdict, std::size_t length,
                            detect::Findings& out) {
  if (!verdict.unsafe) {
    return;
  }
  auto add = [&](const std::string& type, std::string message) {
    detect::Finding f;
    f.detector = "semantic";
    f.rule_id = "semantic." + type;
    f.category = "unsafe_content";
    f.type = type;
    f.severity = detect::Severity::kHigh;
    f.score = verdict.score.value_or(1.0);
    f.start = 0;
    f.end = length;
    f.message = std::move(message);
    f.layer = "text";
    out.push_back(std::move(f));
  };
  if (verdict.categories.empty()) {
    add("unspecified", "the semantic detector judged the text unsafe");
    return;
  }
  for (const auto& c : verdict.categories) {
    const std::string_view named = semantic::categoryName(c);
    std::string what = named.empty() ? c : std::string(named) + " (" + c + ")";
    add(c, "the semantic detector judged the text unsafe: " + what);
  }
}

}  // namespace aisafe::detectors
