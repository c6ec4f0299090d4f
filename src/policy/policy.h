// A policy: which detectors run, what each category of finding does (block, redact, flag,
// allow), thresholds, the organization's own keyword/regex lists, and whether raw text may be
// logged. This file is the policy's model and its JSON form; validation answers every problem
// with the field it concerns (the API turns them into 422).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "core/status.h"
#include "detect/finding.h"
#include "detect/registry.h"

namespace aisafe::policy {

// Ordered by strength: merging findings takes the strongest.
enum class Action { kAllow, kFlag, kRedact, kBlock };

std::string_view toString(Action a);
std::optional<Action> parseAction(std::string_view s);

// The categories findings can carry; policies' "actions" keys are these, optionally
// refined by type ("pii.email").
const std::vector<std::string>& knownCategories();

struct Thresholds {
  detect::Severity min_severity = detect::Severity::kLow;  // findings below are ignored
  double min_score = 0.5;                                  // findings scoring below are ignored
  std::optional<double> block_risk_score;                  // block when risk_score reaches it
  // The injection classifier's two bands (unset: the model's own thresholds). From
  // classifier_flag a text is reported and allowed (a "flag" finding); from classifier_block the
  // classifier blocks on its own. In between it blocks only when corroborated: another
  // detector's attack finding on the same text (see decide in compiled_policy.h). The old single
  // "classifier" threshold sets both. min_score still applies to its findings like to any other.
  std::optional<double> classifier_flag;
  std::optional<double> classifier_block;
};

struct PolicySpec {
  std::string name;
  std::vector<std::string> detectors;
  std::map<std::string, Action> actions;  // "category" or "category.type"
  Thresholds thresholds;
  boost::json::value custom;  // {"keywords": [...], "regexes": [...]}
  bool log_raw_text = false;
  // "on_detector_failure": what a validation does when a remote detector gives no verdict
  // (timeout, error, open breaker): continue without it and say so ("degraded"), or block.
  bool fail_closed = false;

  // The action for a finding: "category.type" wins over "category"; unlisted categories flag,
  // except unsafe_content (a guard model's verdict), which blocks.
  Action actionFor(const detect::Finding& f) const;
};

// The policy every organization starts with (also seeded by migration 001).
PolicySpec defaultPolicySpec();

// Parses a policy document. Fields left out take the defaults; unknown fields, wrong types,
// unknown detectors and categories, out-of-range thresholds are errors naming the field.
// Custom regexes are checked by building the detectors, see policy_compiler.h.
Result<PolicySpec> parsePolicySpec(const boost::json::value& doc, const detect::Registry& registry);

boost::json::object toJson(const PolicySpec& spec);

}  // namespace aisafe::policy
