#include "detectors/canary/leak_checks.h"

#include "detectors/canary/system_prompt_echo.h"

namespace aisafe::detectors::canary {
namespace {

class CanaryCheck final : public detect::OutputCheck {
 public:
  explicit CanaryCheck(const CanaryKey& key) : key_(key) {}
  std::string_view name() const override { return "canary"; }
  // A verdict depends on the key: another SECRET_KEY recognizes other words.
  std::string fingerprint() const override { return "canary=" + key_.fingerprint(); }
  void check(const detect::OutputCheckInput& in, detect::Findings& out) const override {
    findCanaries(key_, in.organization_id, in.text, out);
  }

 private:
  const CanaryKey& key_;
};

class SystemPromptEchoCheck final : public detect::OutputCheck {
 public:
  std::string_view name() const override { return "system_prompt_echo"; }
  void check(const detect::OutputCheckInput& in, detect::Findings& out) const override {
    if (!in.system_prompt.empty()) {
      findSystemPromptEcho(in.text, in.system_prompt, out);
    }
  }
};

}  // namespace

std::unique_ptr<const detect::OutputCheck> makeCanaryCheck(const CanaryKey& key) {
  return std::make_unique<CanaryCheck>(key);
}

std::unique_ptr<const detect::OutputCheck> makeSystemPromptEchoCheck() {
  return std::make_unique<SystemPromptEchoCheck>();
}

}  // namespace aisafe::detectors::canary
