// What the two evaluations (eval.cc: a held-out split; eval_sources.cc: leave one source out)
// share: policy variants with and without rules or the classifier, and report helpers.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "detect/registry.h"
#include "detectors/injection_classifier/dataset.h"
#include "policy/compiled_policy.h"

namespace aisafe::cli {

// `spec` with its rule detectors (rules) and the classifier (classifier) kept or left out.
Result<std::shared_ptr<const policy::CompiledPolicy>> compileVariant(
    policy::PolicySpec spec, const std::string& name, const detect::Registry& registry, bool rules,
    bool classifier);

// The texts the adversarial_suffix language model learns ordinary writing from: benign,
// standalone rows that `split_of` does not send to evaluation.
std::vector<std::string_view> suffixModelTexts(
    const std::vector<detectors::classifier::LabeledText>& rows,
    const std::function<detectors::classifier::Split(const detectors::classifier::LabeledText&)>&
        split_of);

double ratio(std::size_t a, std::size_t b);

// Rows that are documents rather than messages (an email, a web or wiki page, a table, a forum
// answer with code, a security write-up, and every row of BIPIA, whose attacks are instructions
// slipped into such documents). An application meets them as retrieved content, so the
// evaluation also scores them as `"source": "retrieved"`, where the indirect-injection rules run.
bool isDocumentShaped(const detectors::classifier::LabeledText& row);

// The start of `text` on one line, cut at a character boundary.
std::string excerpt(const std::string& text, std::size_t max_bytes = 110);

// Leave-one-source-out evaluation of `spec` over `rows` (eval_sources.cc). With scores_out, also
// writes every scored row there as a JSON line.
int evalLeaveOneSourceOut(const std::vector<detectors::classifier::LabeledText>& rows,
                          const policy::PolicySpec& spec, const detect::Registry& registry,
                          const std::string& scores_out = {});

}  // namespace aisafe::cli
