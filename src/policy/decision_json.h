// The JSON form of a decision, shared by the HTTP API and `aisafe scan` so both answer alike.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "policy/compiled_policy.h"

namespace aisafe::policy {

// {"decision", "risk_score", "detections": [...], "sanitized_<text_field>"?, "policy": {...}}.
// `text_field` is "prompt" or "response".
boost::json::object decisionJson(const Decision& d, const CompiledPolicy& policy,
                                 const std::string& text_field);

// The detections alone (also stored in the audit record; never any text of the prompt).
boost::json::array detectionsJson(const Decision& d);

// "allow" | "redact" | "block" as the API spells the outcome.
std::string_view decisionName(Action a);

}  // namespace aisafe::policy
