// What the verdicts of a scan plan (chat_scan.h) mean for the proxied call: blocked, redacted in
// place, or passed. The evidence of a block is what the caller gets in the error body: each
// blocking finding with the JSON path of its text and its byte offsets in that text.
#pragma once

#include <string>
#include <vector>

#include <boost/json/array.hpp>

#include "proxy/chat_scan.h"
#include "validation/validation_service.h"

namespace aisafe::proxy {

struct ScanOutcome {
  bool blocked = false;
  bool redacted = false;  // some text was replaced by its sanitized form
  boost::json::array
      findings;  // the blocking findings: field, detector, category, type, start, end
  std::vector<std::string> categories;  // of the blocking findings, each once
};

// `result.texts` are the verdicts of `plan.slots`, in order. When nothing blocks, every redacted
// text is replaced in the body by its sanitized form; a block replaces nothing.
ScanOutcome applyVerdicts(ScanPlan& plan, const validation::ValidationResult& result);

}  // namespace aisafe::proxy
