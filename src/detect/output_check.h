// A check of a model's answer that needs more of the request than the text: the caller's
// organization (whose canary words count) and the system prompt the answer must not repeat.
// The validation service runs them on output texts after the pipeline; the list is in one place
// (app/validation_wiring.cc). Immutable and thread-safe, like detectors.
#pragma once

#include <string>
#include <string_view>

#include "detect/finding.h"

namespace aisafe::detect {

struct OutputCheckInput {
  std::string_view text;  // the answer as sent; finding offsets point into it
  std::string_view organization_id;
  std::string_view system_prompt;  // empty: the caller sent none
};

class OutputCheck {
 public:
  virtual ~OutputCheck() = default;
  virtual std::string_view name() const = 0;
  // What a verdict depends on besides the text and the system prompt (a key's fingerprint),
  // for cache keys; empty when nothing.
  virtual std::string fingerprint() const { return {}; }
  virtual void check(const OutputCheckInput& in, Findings& out) const = 0;
};

}  // namespace aisafe::detect
