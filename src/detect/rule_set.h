// Pattern rules as data: rules/<detector>.json, loaded once at start (from the binary's embedded
// copies or RULES_DIR) and shared read-only. Each rule carries examples that must and must not
// match; the test suite runs all of them.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "detect/finding.h"
#include "detect/validators.h"

namespace aisafe::detect {

struct PatternRule {
  std::string id;
  std::string category;
  std::string type;
  Severity severity = Severity::kMedium;
  double score = 0.9;
  std::string pattern;  // vectorscan syntax
  bool caseless = true;
  Validator validator = nullptr;
  std::string validator_name;
  std::string redact_as;
  std::string description;
  std::vector<std::string> must_match;
  std::vector<std::string> must_not_match;
};

struct RuleSet {
  std::string detector;
  std::string description;
  std::vector<PatternRule> rules;
};

// Parses one rule file. `default_caseless` applies to rules that do not say. Errors name the
// rule and the field.
Result<RuleSet> parseRuleSet(std::string_view json, bool default_caseless);

// Where rule files come from: a directory (RULES_DIR) or the copies compiled into the binary.
class RuleSource {
 public:
  explicit RuleSource(std::string dir) : dir_(std::move(dir)) {}
  // The content of `<name>.json`.
  Result<std::string> read(std::string_view name) const;
  // A digest of everything read so far (names and contents), for caches whose entries must not
  // outlive a change of rules. Reads happen at start-up, on one thread.
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  std::string dir_;  // empty: embedded
  mutable std::string fingerprint_;
};

}  // namespace aisafe::detect
