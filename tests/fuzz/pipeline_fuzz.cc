// The whole detection path of a validation: the default policy's pipeline (every shipped detector,
// one vectorscan scan, decoded layers, the de-obfuscated view) on any valid UTF-8 text, as input
// and as output, then the decision and the redaction. No crash, every finding's span inside the
// text, and the redacted text valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "core/utf8.h"
#include "detect/registry.h"
#include "policy/compiled_policy.h"

namespace {

namespace detect = aisafe::detect;
namespace policy = aisafe::policy;

// The API takes up to 1 MiB; a few KiB reach every code path and keep executions fast.
constexpr std::size_t kMaxInputBytes = 8 * 1024;

void require(bool ok) {
  if (!ok) {
    std::abort();
  }
}

const policy::CompiledPolicy& defaultPolicy() {
  static const std::shared_ptr<const policy::CompiledPolicy> compiled = [] {
    auto registry = detect::Registry::builtins(detect::RuleSource(""));
    require(registry.isOk());
    static const std::shared_ptr<const detect::Registry> keep = *registry;
    auto c = policy::compilePolicy("default", 1, policy::defaultPolicySpec(), *keep);
    require(c.isOk());
    return *c;
  }();
  return *compiled;
}

}  // namespace

// Building the registry and compiling the rules takes seconds under ASan: done before the first
// input, so libFuzzer's per-input timeout does not count it.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)defaultPolicy();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInputBytes) {
    return -1;
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!aisafe::utf8::isValid(text)) {
    return -1;  // the API answers 400 invalid_utf8 before any detector runs
  }
  const auto& compiled = defaultPolicy();
  thread_local detect::ScanScratch scratch;
  for (const auto surface : {detect::Surface::kInput, detect::Surface::kOutput}) {
    detect::Findings findings;
    require(compiled.pipeline->scan(text, surface, scratch, findings).isOk());
    for (const auto& f : findings) {
      require(f.start < f.end && f.end <= size);
      require(f.score >= 0.0 && f.score <= 1.0);
    }
    const auto decision = policy::decide(compiled.spec, std::move(findings), text);
    require(decision.finding_actions.size() == decision.findings.size());
    if (decision.sanitized) {
      require(aisafe::utf8::isValid(*decision.sanitized));
    }
  }
  return 0;
}
