// Policy documents as the policy routes read them: the strict JSON reader, then the policy's own
// parser and validation (policy/policy.h), then compilation with the shipped detectors (custom
// keyword and regex lists go to vectorscan here). Any bytes: an error naming the field, or a
// policy whose JSON form parses back to the same policy.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include <boost/json.hpp>

#include "detect/registry.h"
#include "http/json_body.h"
#include "policy/compiled_policy.h"
#include "policy/policy.h"

namespace {

namespace detect = aisafe::detect;
namespace policy = aisafe::policy;

constexpr std::size_t kMaxInputBytes = 16 * 1024;  // a policy is a few hundred bytes

void require(bool ok) {
  if (!ok) {
    std::abort();
  }
}

const detect::Registry& registry() {
  static const std::shared_ptr<const detect::Registry> r = [] {
    auto built = detect::Registry::builtins(detect::RuleSource(""));
    require(built.isOk());
    return *built;
  }();
  return *r;
}

}  // namespace

// Building the registry and compiling the shipped rules takes seconds under ASan: done before the
// first input, so libFuzzer's per-input timeout does not count it.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  require(policy::compilePolicy("warm", 1, policy::defaultPolicySpec(), registry()).isOk());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInputBytes) {
    return -1;
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = aisafe::http::parseStrictJson(text);
  if (doc.problem != aisafe::http::JsonProblem::kNone) {
    return 0;
  }
  auto spec = policy::parsePolicySpec(doc.value, registry());
  if (!spec.isOk()) {
    return 0;
  }
  // What we store is toJson(spec): it must read back as the same policy.
  const boost::json::value stored = policy::toJson(*spec);
  auto reread = policy::parsePolicySpec(stored, registry());
  require(reread.isOk());
  require(policy::toJson(*reread) == stored);
  // Compiling may refuse a custom regex (422), never crash. The shipped rules are compiled for
  // the default detectors (which include custom): each other subset would cost seconds of
  // vectorscan compilation per input and exercises nothing the custom lists do not.
  policy::PolicySpec compile = std::move(*spec);
  compile.detectors = policy::defaultPolicySpec().detectors;
  (void)policy::compilePolicy("fuzz", 1, std::move(compile), registry());
  return 0;
}
