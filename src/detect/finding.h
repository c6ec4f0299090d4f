// The vocabulary shared by detectors, the pipeline and policies: severities, the surface a
// detector scans, and a Finding (one piece of evidence with a byte span into the original text).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aisafe::detect {

// Ordered: comparisons mean "at least as severe as".
enum class Severity { kLow, kMedium, kHigh, kCritical };

std::string_view toString(Severity s);
std::optional<Severity> parseSeverity(std::string_view s);

// Which text a detector looks at: the prompt sent to a model, the model's answer, or content
// the application retrieved (a web page, an email, a search hit) and is about to put into a
// prompt. Retrieved content is input too, so input detectors run on it; some detectors
// (indirect injection: text addressing an AI from inside a document) run only on it, because
// in a user's own prompt the same words are ordinary.
enum class Surface { kInput, kOutput, kRetrieved };

struct SurfaceSet {
  bool input = true;
  bool output = true;
  bool retrieved_only = false;  // runs on retrieved content and nowhere else
  bool covers(Surface s) const {
    if (retrieved_only) {
      return s == Surface::kRetrieved;
    }
    return s == Surface::kOutput ? output : input;
  }
};

struct Finding {
  std::string detector;  // registry name, e.g. "pii"
  std::string rule_id;   // the rule that produced it, e.g. "pii.email"
  std::string category;  // what policies act on, e.g. "pii", "prompt_injection"
  std::string type;      // finer kind within the category, e.g. "email"
  Severity severity = Severity::kMedium;
  double score = 0.0;     // 0..1 confidence
  std::size_t start = 0;  // byte offsets into the original text, [start, end)
  std::size_t end = 0;
  std::string message;
  std::string redact_as;  // placeholder name for redaction, e.g. "EMAIL"; empty: not redactable
  std::string layer;      // where it was found: "text" (as sent) or a decoding layer
  // A scored detector's band: "flag" (reported, may block only when corroborated) or "block"
  // (blocks on its own). Empty for detectors without bands. policy::decide may rewrite it to
  // "corroborated" or "discussed" to say why the decision went the way it did.
  std::string band;
  // True when this finding alone must not block: it blocks only when another detector's attack
  // finding (a rule hit, a decoded layer, hidden text, the guard model) agrees on the same text.
  bool needs_corroboration = false;
};

using Findings = std::vector<Finding>;

}  // namespace aisafe::detect
