// A policy ready to run: its spec plus the detector pipeline it compiles into, and the function
// that turns a pipeline's findings into the decision (allow / redact / block, risk score,
// sanitized text). Immutable and shared; requests keep the shared_ptr they started with.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "detect/pipeline.h"
#include "detect/registry.h"
#include "policy/policy.h"

namespace aisafe::policy {

struct CompiledPolicy {
  std::string id;
  int version = 0;
  PolicySpec spec;
  std::shared_ptr<const detect::Pipeline> pipeline;
};

// Builds each enabled detector with the policy's config and compiles one pipeline. Errors are
// the author's (422): a custom regex vectorscan rejects, a bad custom list.
Result<std::shared_ptr<const CompiledPolicy>> compilePolicy(std::string id, int version,
                                                            PolicySpec spec,
                                                            const detect::Registry& registry);

struct Decision {
  Action action = Action::kAllow;  // never kFlag: flagged findings allow with evidence
  double risk_score = 0.0;
  detect::Findings findings;             // the findings that passed the thresholds
  std::vector<Action> finding_actions;   // parallel to findings
  std::optional<std::string> sanitized;  // with kRedact: the text with placeholders
};

// Merges findings into one decision. Findings under min_severity or min_score are dropped;
// the decision is the strongest action of the rest (block > redact > allow), with two
// exceptions that keep honest texts from being blocked:
//  - an attack finding quoted in order to discuss it, or described in the third person
//    (detect/framing.h), flags instead of blocking (its band becomes "discussed");
//  - a finding that needs corroboration (the classifier in its flag band), or a banded finding
//    of a text that quotes an attack, blocks only when an unquoted attack finding of another
//    detector agrees, even one under min_score (band "corroborated"); otherwise it flags.
// risk_score is
// 1 - prod(1 - score * weight(severity)) with weights low .25, medium .5, high .85, critical 1,
// and reaching thresholds.block_risk_score blocks (counting only findings whose action was not
// held back by the two exceptions above).
Decision decide(const PolicySpec& spec, detect::Findings findings, std::string_view text);

// `text` with each span replaced by "[TYPE]" (or removed where redact_as is empty);
// overlapping spans merge.
std::string redact(std::string_view text, const detect::Findings& spans);
// The same for spans held elsewhere (the findings of a decision), without copying them.
std::string redact(std::string_view text, std::vector<const detect::Finding*> spans);

}  // namespace aisafe::policy
