#include "policy/policy.h"

#include <boost/json.hpp>

namespace aisafe::policy {
namespace json = boost::json;

// Bounds on a policy document, so one tenant cannot make policy compilation expensive.
constexpr std::size_t kMaxNameBytes = 200;
constexpr std::size_t kMaxActions = 200;

std::string_view toString(Action a) {
  switch (a) {
    case Action::kAllow:
      return "allow";
    case Action::kFlag:
      return "flag";
    case Action::kRedact:
      return "redact";
    case Action::kBlock:
      return "block";
  }
  return "flag";
}

std::optional<Action> parseAction(std::string_view s) {
  if (s == "allow") {
    return Action::kAllow;
  }
  if (s == "flag") {
    return Action::kFlag;
  }
  if (s == "redact") {
    return Action::kRedact;
  }
  if (s == "block") {
    return Action::kBlock;
  }
  return std::nullopt;
}

const std::vector<std::string>& knownCategories() {
  static const std::vector<std::string> kCategories = {
      "prompt_injection", "jailbreak",          "pii",           "secrets", "invisible_text",
      "custom",           "system_prompt_leak", "unsafe_content"};
  return kCategories;
}

Action PolicySpec::actionFor(const detect::Finding& f) const {
  if (auto it = actions.find(f.category + "." + f.type); it != actions.end()) {
    return it->second;
  }
  if (auto it = actions.find(f.category); it != actions.end()) {
    return it->second;
  }
  // A guard model's "unsafe" is a verdict, not a hint: it blocks unless the policy says otherwise.
  if (f.category == "unsafe_content") {
    return Action::kBlock;
  }
  return Action::kFlag;
}

PolicySpec defaultPolicySpec() {
  PolicySpec p;
  p.name = "default";
  p.detectors = {"prompt_injection",
                 "injection_classifier",
                 "adversarial_suffix",
                 "indirect_injection",
                 "pii",
                 "secrets",
                 "invisible_text",
                 "custom"};
  p.actions = {{"prompt_injection", Action::kBlock},
               {"jailbreak", Action::kBlock},
               {"invisible_text", Action::kBlock},
               {"secrets", Action::kBlock},
               {"pii", Action::kRedact},
               {"custom", Action::kBlock},
               // Answers that give away the system prompt (canary word or a long quote of it).
               {"system_prompt_leak", Action::kBlock}};
  p.custom = json::object{{"keywords", json::array{}}, {"regexes", json::array{}}};
  return p;
}

namespace {

Status fieldError(const std::string& field, const std::string& reason) {
  return unprocessable(field + ": " + reason);
}

bool isKnownCategory(const std::string& c) {
  for (const auto& k : knownCategories()) {
    if (k == c) {
      return true;
    }
  }
  return false;
}

Status parseThresholds(const json::value& v, Thresholds& t) {
  if (!v.is_object()) {
    return fieldError("thresholds", "expected an object");
  }
  for (const auto& [key, value] : v.get_object()) {
    if (key == "min_severity") {
      if (!value.is_string()) {
        return fieldError("thresholds.min_severity", "expected a string");
      }
      auto s = detect::parseSeverity(value.get_string());
      if (!s) {
        return fieldError("thresholds.min_severity", "expected low, medium, high or critical");
      }
      t.min_severity = *s;
    } else if (key == "min_score" || key == "block_risk_score") {
      const std::string field = "thresholds." + std::string(key);
      if (!value.is_number()) {
        return fieldError(field, "expected a number");
      }
      const double d = value.to_number<double>();
      if (!(d >= 0.0 && d <= 1.0)) {
        return fieldError(field, "must be between 0 and 1");
      }
      (key == "min_score" ? t.min_score : t.block_risk_score.emplace()) = d;
    } else if (key == "classifier" || key == "classifier_flag" || key == "classifier_block") {
      if (value.is_null()) {
        continue;
      }
      const std::string field = "thresholds." + std::string(key);
      if (!value.is_number()) {
        return fieldError(field, "expected a number");
      }
      const double d = value.to_number<double>();
      if (!(d > 0.0 && d < 1.0)) {
        return fieldError(field, "must be between 0 and 1 (exclusive)");
      }
      // "classifier" is the single threshold of earlier versions: the classifier blocked from
      // it on its own. It keeps meaning that: both bands start there.
      if (key != "classifier_block") {
        t.classifier_flag = d;
      }
      if (key != "classifier_flag") {
        t.classifier_block = d;
      }
    } else {
      return fieldError("thresholds." + std::string(key), "unknown field");
    }
  }
  return Status::ok();
}

}  // namespace

Result<PolicySpec> parsePolicySpec(const json::value& doc, const detect::Registry& registry) {
  if (!doc.is_object()) {
    return fieldError("policy", "expected a JSON object");
  }
  PolicySpec p = defaultPolicySpec();
  p.name.clear();
  for (const auto& [key, value] : doc.get_object()) {
    if (key == "name") {
      if (!value.is_string()) {
        return fieldError("name", "expected a string");
      }
      p.name = std::string(value.get_string());
    } else if (key == "detectors") {
      if (!value.is_array()) {
        return fieldError("detectors", "expected an array of detector names");
      }
      p.detectors.clear();
      std::size_t i = 0;
      for (const auto& d : value.get_array()) {
        const std::string field = "detectors[" + std::to_string(i++) + "]";
        if (!d.is_string()) {
          return fieldError(field, "expected a string");
        }
        std::string name(d.get_string());
        if (registry.find(name) == nullptr) {
          std::string known;
          for (const auto& f : registry.factories()) {
            known += (known.empty() ? "" : ", ") + std::string(f->name());
          }
          std::string message = "unknown detector \"" + name;
          message += "\" (known: " + known + ")";
          return fieldError(field, message);
        }
        for (const auto& existing : p.detectors) {
          if (existing == name) {
            return fieldError(field, "\"" + name + "\" is listed twice");
          }
        }
        p.detectors.push_back(std::move(name));
      }
    } else if (key == "actions") {
      if (!value.is_object()) {
        return fieldError("actions", "expected an object");
      }
      if (value.get_object().size() > kMaxActions) {
        return fieldError("actions", "too many entries");
      }
      for (const auto& [category, action] : value.get_object()) {
        const std::string field = "actions." + std::string(category);
        const std::string cat(category);
        if (!isKnownCategory(cat.substr(0, cat.find('.')))) {
          return fieldError(field, "unknown category");
        }
        if (!action.is_string()) {
          return fieldError(field, "expected block, redact, flag or allow");
        }
        auto a = parseAction(action.get_string());
        if (!a) {
          return fieldError(field, "expected block, redact, flag or allow");
        }
        p.actions[cat] = *a;
      }
    } else if (key == "thresholds") {
      AISAFE_RETURN_IF_ERROR(parseThresholds(value, p.thresholds));
    } else if (key == "custom") {
      if (!value.is_object()) {
        return fieldError("custom", "expected an object");
      }
      for (const auto& [ckey, cval] : value.get_object()) {
        (void)cval;
        if (ckey != "keywords" && ckey != "regexes") {
          return fieldError("custom." + std::string(ckey), "unknown field");
        }
      }
      p.custom = value;
    } else if (key == "on_detector_failure") {
      if (!value.is_string() ||
          (value.get_string() != "continue" && value.get_string() != "block")) {
        return fieldError("on_detector_failure", "expected \"continue\" or \"block\"");
      }
      p.fail_closed = value.get_string() == "block";
    } else if (key == "log_raw_text") {
      if (!value.is_bool()) {
        return fieldError("log_raw_text", "expected true or false");
      }
      p.log_raw_text = value.get_bool();
    } else if (key == "id" || key == "version" || key == "created_at" || key == "updated_at") {
      // Read-only fields a client may echo back from GET; ignored on write.
    } else {
      return fieldError(std::string(key), "unknown field");
    }
  }
  if (p.name.empty() || p.name.size() > kMaxNameBytes) {
    return fieldError("name", "required, 1 to " + std::to_string(kMaxNameBytes) + " characters");
  }
  return p;
}

json::object toJson(const PolicySpec& spec) {
  json::object o;
  o["name"] = spec.name;
  json::array detectors;
  for (const auto& d : spec.detectors) {
    detectors.emplace_back(d);
  }
  o["detectors"] = std::move(detectors);
  json::object actions;
  for (const auto& [k, a] : spec.actions) {
    actions[k] = toString(a);
  }
  o["actions"] = std::move(actions);
  json::object thresholds;
  thresholds["min_severity"] = detect::toString(spec.thresholds.min_severity);
  thresholds["min_score"] = spec.thresholds.min_score;
  if (spec.thresholds.block_risk_score) {
    thresholds["block_risk_score"] = *spec.thresholds.block_risk_score;
  }
  if (spec.thresholds.classifier_flag) {
    thresholds["classifier_flag"] = *spec.thresholds.classifier_flag;
  }
  if (spec.thresholds.classifier_block) {
    thresholds["classifier_block"] = *spec.thresholds.classifier_block;
  }
  o["thresholds"] = std::move(thresholds);
  o["custom"] = spec.custom;
  o["log_raw_text"] = spec.log_raw_text;
  // Written only when set, so documents of policies that never used it stay as they were.
  if (spec.fail_closed) {
    o["on_detector_failure"] = "block";
  }
  return o;
}

}  // namespace aisafe::policy
