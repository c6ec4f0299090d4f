// The JSON form of a decision, shared by the HTTP API and `aisafe scan` so both answer alike.
#pragma once

#include <string>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>

#include "policy/compiled_policy.h"

namespace aisafe::policy {

// {"decision", "risk_score", "detections": [...], "sanitized_<text_field>"?, "policy": {...}}.
// `text_field` is "prompt" or "response". Built on `storage` (a request's monotonic resource,
// say, where the answer is rendered and dropped).
boost::json::object decisionJson(const Decision& d, const CompiledPolicy& policy,
                                 const std::string& text_field,
                                 const boost::json::storage_ptr& storage = {});

// The detections alone (also stored in the audit record; never any text of the prompt).
boost::json::array detectionsJson(const Decision& d, const boost::json::storage_ptr& storage = {});

// "allow" | "redact" | "block" as the API spells the outcome.
std::string_view decisionName(Action a);

}  // namespace aisafe::policy
