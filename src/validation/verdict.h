// What validating one text decided: the answer's body and what the audit trail, the metrics and
// the events need. The part a cache may hand to an identical request (same organization, policy
// version, surface and text) is stored as text (toCacheText/fromCacheText).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

namespace aisafe::validation {

struct Verdict {
  boost::json::object body;  // the answer without request_id and latency_ms
  std::string decision;      // allow, redact, block
  double risk_score = 0;
  std::string detectors;                                  // ",a,b," for the audit record
  std::vector<std::pair<std::string, std::string>> hits;  // (detector, category) per finding
};

std::string toCacheText(const Verdict& v);
// Nullopt when the entry is unreadable (then the text is scanned again).
std::optional<Verdict> fromCacheText(const std::string& text);

}  // namespace aisafe::validation
