#include "detect/rule_set.h"

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "core/embedded.h"
#include "crypto/sha256.h"

namespace aisafe::embedded {
const std::vector<EmbeddedFile>& ruleFiles();
}

namespace aisafe::detect {
namespace json = boost::json;
namespace {

Result<std::string> stringField(const json::object& o, std::string_view key, bool required,
                                const std::string& where) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) {
    if (required) {
      return invalidArgument(where + ": missing \"" + std::string(key) + "\"");
    }
    return std::string();
  }
  if (!v->is_string()) {
    return invalidArgument(where + "." + std::string(key) + ": expected a string");
  }
  return std::string(v->get_string());
}

Result<std::vector<std::string>> stringList(const json::object& o, std::string_view key,
                                            const std::string& where) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (v == nullptr) {
    return out;
  }
  if (!v->is_array()) {
    return invalidArgument(where + "." + std::string(key) + ": expected an array");
  }
  for (const auto& item : v->get_array()) {
    if (!item.is_string()) {
      return invalidArgument(where + "." + std::string(key) + ": expected strings");
    }
    out.emplace_back(item.get_string());
  }
  return out;
}

Result<PatternRule> parseRule(const json::value& v, bool default_caseless, std::size_t index) {
  std::string where = "rules[" + std::to_string(index) + "]";
  if (!v.is_object()) {
    return invalidArgument(where + ": expected an object");
  }
  const auto& o = v.get_object();
  PatternRule r;
  AISAFE_TRY(r.id, stringField(o, "id", true, where));
  where += " (" + r.id + ")";
  AISAFE_TRY(r.category, stringField(o, "category", true, where));
  AISAFE_TRY(r.type, stringField(o, "type", false, where));
  AISAFE_TRY(r.pattern, stringField(o, "pattern", true, where));
  AISAFE_TRY(r.description, stringField(o, "description", false, where));
  AISAFE_TRY(r.redact_as, stringField(o, "redact_as", false, where));
  AISAFE_TRY(std::string severity, stringField(o, "severity", false, where));
  if (!severity.empty()) {
    auto s = parseSeverity(severity);
    if (!s) {
      return invalidArgument(where + ".severity: unknown severity \"" + severity + "\"");
    }
    r.severity = *s;
  }
  if (const auto* score = o.if_contains("score")) {
    if (!score->is_number()) {
      return invalidArgument(where + ".score: expected a number");
    }
    r.score = score->to_number<double>();
    if (r.score < 0 || r.score > 1) {
      return invalidArgument(where + ".score: must be in 0..1");
    }
  }
  r.caseless = default_caseless;
  if (const auto* c = o.if_contains("caseless")) {
    if (!c->is_bool()) {
      return invalidArgument(where + ".caseless: expected true or false");
    }
    r.caseless = c->get_bool();
  }
  AISAFE_TRY(r.validator_name, stringField(o, "validator", false, where));
  if (!r.validator_name.empty()) {
    r.validator = findValidator(r.validator_name);
    if (r.validator == nullptr) {
      return invalidArgument(where + ".validator: unknown validator \"" + r.validator_name + "\"");
    }
  }
  if (r.type.empty()) {
    r.type = r.category;
  }
  if (const auto* ex = o.if_contains("examples")) {
    if (!ex->is_object()) {
      return invalidArgument(where + ".examples: expected an object");
    }
    AISAFE_TRY(r.must_match, stringList(ex->get_object(), "match", where + ".examples"));
    AISAFE_TRY(r.must_not_match, stringList(ex->get_object(), "no_match", where + ".examples"));
  }
  return r;
}

}  // namespace

Result<RuleSet> parseRuleSet(std::string_view text, bool default_caseless) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) {
    return invalidArgument("rule file is not valid JSON: " + ec.message());
  }
  if (!doc.is_object()) {
    return invalidArgument("rule file: expected an object");
  }
  const auto& o = doc.get_object();
  RuleSet set;
  AISAFE_TRY(set.detector, stringField(o, "detector", true, "rule file"));
  AISAFE_TRY(set.description, stringField(o, "description", false, "rule file"));
  const json::value* rules = o.if_contains("rules");
  if (rules == nullptr || !rules->is_array()) {
    return invalidArgument("rule file: \"rules\" must be an array");
  }
  std::size_t i = 0;
  for (const auto& r : rules->get_array()) {
    AISAFE_TRY(PatternRule rule, parseRule(r, default_caseless, i++));
    for (const auto& existing : set.rules) {
      if (existing.id == rule.id) {
        return invalidArgument("rule file: duplicate rule id " + rule.id);
      }
    }
    set.rules.push_back(std::move(rule));
  }
  return set;
}

Result<std::string> RuleSource::read(std::string_view name) const {
  const std::string file = std::string(name) + ".json";
  std::string content;
  if (dir_.empty()) {
    bool found = false;
    for (const auto& f : embedded::ruleFiles()) {
      if (f.name == file) {
        content = std::string(f.content);
        found = true;
        break;
      }
    }
    if (!found) {
      return notFound("no embedded rule file " + file);
    }
  } else {
    std::ifstream in(dir_ + "/" + file);
    if (!in) {
      return notFound("cannot read " + dir_ + "/" + file);
    }
    std::stringstream ss;
    ss << in.rdbuf();
    content = ss.str();
  }
  fingerprint_ = crypto::sha256Hex(fingerprint_ + file + crypto::sha256Hex(content));
  return content;
}

}  // namespace aisafe::detect
