#include "policy/decision_json.h"

#include <cmath>

#include <boost/json.hpp>

namespace aisafe::policy {
namespace json = boost::json;

std::string_view decisionName(Action a) {
  switch (a) {
    case Action::kBlock:
      return "block";
    case Action::kRedact:
      return "redact";
    case Action::kAllow:
    case Action::kFlag:
      break;
  }
  return "allow";
}

namespace {
double round4(double v) { return std::round(v * 10000.0) / 10000.0; }
}  // namespace

json::array detectionsJson(const Decision& d, const json::storage_ptr& storage) {
  json::array out(storage);
  out.reserve(d.findings.size());
  for (std::size_t i = 0; i < d.findings.size(); ++i) {
    const auto& f = d.findings[i];
    json::object o(storage);
    o.reserve(12);
    o["detector"] = f.detector;
    o["rule_id"] = f.rule_id;
    o["category"] = f.category;
    o["type"] = f.type;
    o["severity"] = detect::toString(f.severity);
    o["score"] = round4(f.score);
    o["start"] = f.start;
    o["end"] = f.end;
    o["message"] = f.message;
    o["action"] = toString(d.finding_actions[i]);
    o["layer"] = f.layer;
    if (!f.band.empty()) {
      o["band"] = f.band;
    }
    out.push_back(std::move(o));
  }
  return out;
}

json::object decisionJson(const Decision& d, const CompiledPolicy& policy,
                          const std::string& text_field, const json::storage_ptr& storage) {
  json::object o(storage);
  o.reserve(5);
  o["decision"] = decisionName(d.action);
  o["risk_score"] = round4(d.risk_score);
  o["detections"] = detectionsJson(d, storage);
  if (d.sanitized) {
    o["sanitized_" + text_field] = *d.sanitized;
  }
  o["policy"] = json::object({{"id", policy.id}, {"version", policy.version}}, storage);
  return o;
}

}  // namespace aisafe::policy
