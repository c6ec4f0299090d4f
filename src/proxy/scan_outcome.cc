#include "proxy/scan_outcome.h"

#include <algorithm>

namespace aisafe::proxy {
namespace json = boost::json;

ScanOutcome applyVerdicts(ScanPlan& plan, const validation::ValidationResult& result) {
  ScanOutcome out;
  const std::size_t n = std::min(plan.slots.size(), result.texts.size());
  for (std::size_t i = 0; i < n; ++i) {
    const validation::Verdict& verdict = result.texts[i].verdict;
    if (verdict.decision != "block") {
      continue;
    }
    out.blocked = true;
    const json::value* detections = verdict.body.if_contains("detections");
    if (detections == nullptr || !detections->is_array()) {
      continue;
    }
    for (const auto& d : detections->get_array()) {
      const auto& f = d.get_object();
      if (const auto* action = f.if_contains("action");
          action == nullptr || !action->is_string() || action->get_string() != "block") {
        continue;
      }
      json::object finding;
      finding["field"] = plan.slots[i].field;
      for (const char* key : {"detector", "category", "type", "start", "end"}) {
        if (const auto* v = f.if_contains(key)) {
          finding[key] = *v;
        }
      }
      if (const auto* category = f.if_contains("category"); category && category->is_string()) {
        const std::string c(category->get_string());
        if (std::find(out.categories.begin(), out.categories.end(), c) == out.categories.end()) {
          out.categories.push_back(c);
        }
      }
      out.findings.push_back(std::move(finding));
    }
  }
  if (out.blocked) {
    return out;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const validation::Verdict& verdict = result.texts[i].verdict;
    if (verdict.decision != "redact") {
      continue;
    }
    const json::value* sanitized = verdict.body.if_contains("sanitized_" + plan.slots[i].field);
    if (sanitized != nullptr && sanitized->is_string()) {
      *plan.slots[i].text = sanitized->get_string();
      out.redacted = true;
    }
  }
  return out;
}

}  // namespace aisafe::proxy
