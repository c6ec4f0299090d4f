#include "policy/compiled_policy.h"

#include <algorithm>

#include "detect/framing.h"

namespace aisafe::policy {

Result<std::shared_ptr<const CompiledPolicy>> compilePolicy(std::string id, int version,
                                                            PolicySpec spec,
                                                            const detect::Registry& registry) {
  std::vector<std::unique_ptr<const detect::Detector>> detectors;
  for (const auto& name : spec.detectors) {
    const detect::DetectorFactory* factory = registry.find(name);
    if (factory == nullptr) {
      return unprocessable("detectors: unknown detector \"" + name + "\"");
    }
    boost::json::value config;
    if (name == "custom") {
      config = spec.custom;
    }
    if (name == "injection_classifier") {
      boost::json::object bands;
      if (spec.thresholds.classifier_flag) {
        bands["classifier_flag"] = *spec.thresholds.classifier_flag;
      }
      if (spec.thresholds.classifier_block) {
        bands["classifier_block"] = *spec.thresholds.classifier_block;
      }
      config = std::move(bands);
    }
    AISAFE_TRY(auto detector, factory->create(config));
    detectors.push_back(std::move(detector));
  }
  AISAFE_TRY(auto pipeline, detect::Pipeline::build(std::move(detectors)));
  auto compiled = std::make_shared<CompiledPolicy>();
  compiled->id = std::move(id);
  compiled->version = version;
  compiled->spec = std::move(spec);
  compiled->pipeline = std::move(pipeline);
  return std::shared_ptr<const CompiledPolicy>(std::move(compiled));
}

namespace {

double severityWeight(detect::Severity s) {
  switch (s) {
    case detect::Severity::kLow:
      return 0.25;
    case detect::Severity::kMedium:
      return 0.5;
    case detect::Severity::kHigh:
      return 0.85;
    case detect::Severity::kCritical:
      return 1.0;
  }
  return 0.5;
}

}  // namespace

std::string redact(std::string_view text, const detect::Findings& spans) {
  std::vector<const detect::Finding*> order;
  order.reserve(spans.size());
  for (const auto& f : spans) {
    order.push_back(&f);
  }
  return redact(text, std::move(order));
}

std::string redact(std::string_view text, std::vector<const detect::Finding*> order) {
  std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    return a->start != b->start ? a->start < b->start : a->end > b->end;
  });
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  for (std::size_t i = 0; i < order.size();) {
    const std::size_t start = std::max(order[i]->start, pos);
    std::size_t end = order[i]->end;
    const std::string& placeholder = order[i]->redact_as;
    std::size_t j = i + 1;
    while (j < order.size() && order[j]->start < end) {
      end = std::max(end, order[j++]->end);
    }
    if (end > pos) {
      out.append(text.substr(pos, start - pos));
      if (!placeholder.empty()) {
        out += '[';
        out += placeholder;
        out += ']';
      }
      pos = end;
    }
    i = j;
  }
  out.append(text.substr(std::min(pos, text.size())));
  return out;
}

namespace {

// Categories whose findings say "this text attacks the model": what corroborates a classifier.
bool isAttackCategory(const std::string& category) {
  return category == "prompt_injection" || category == "jailbreak" ||
         category == "invisible_text" || category == "unsafe_content";
}

// What the other findings say about the attack findings of a text, worked out once before the
// decision: which are quoted to be discussed, and whether a finding that needs corroboration
// has it.
struct Evidence {
  std::vector<bool> quoted;  // parallel to the findings: quoted or described, not made
  bool any_quoted = false;
  // An attack finding of some detector, not quoted, that can stand on its own. Findings under
  // min_score count: a weak rule hint cannot block alone but can confirm the classifier.
  std::vector<std::string_view> confirming_detectors;
};

Evidence weigh(const detect::Findings& findings, std::string_view text) {
  Evidence e;
  e.quoted.assign(findings.size(), false);
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const auto& f = findings[i];
    if (!isAttackCategory(f.category) || f.needs_corroboration) {
      continue;
    }
    // Hidden characters are not quotations, whatever surrounds them. A decoded layer is judged
    // by where its encoded form sits: a security page quoting a base64 example discusses it.
    const auto span =
        f.type == "classifier" ? detect::SpanKind::kWholeText : detect::SpanKind::kPhrase;
    if (f.category != "invisible_text" &&
        (detect::quotedForDiscussion(text, f.start, f.end, span) ||
         detect::describedAsAnAttack(text, f.start, f.end, span))) {
      e.quoted[i] = true;
      e.any_quoted = true;
      continue;
    }
    e.confirming_detectors.push_back(f.detector);
  }
  return e;
}

bool corroborated(const Evidence& e, const detect::Finding& f) {
  return std::any_of(e.confirming_detectors.begin(), e.confirming_detectors.end(),
                     [&](std::string_view d) { return d != f.detector; });
}

}  // namespace

Decision decide(const PolicySpec& spec, detect::Findings findings, std::string_view text) {
  Decision d;
  double keep = 1.0;
  // The same product without the findings whose block was held back (discussed, or not
  // corroborated): they say how risky the text looks, but must not block through the risk score
  // what they may not block themselves.
  double keep_blocking = 1.0;
  d.findings.reserve(findings.size());
  d.finding_actions.reserve(findings.size());
  const Evidence evidence = weigh(findings, text);
  for (std::size_t i = 0; i < findings.size(); ++i) {
    auto& f = findings[i];
    if (f.severity < spec.thresholds.min_severity || f.score < spec.thresholds.min_score) {
      continue;
    }
    Action a = spec.actionFor(f);
    const Action wanted = a;
    if (a == Action::kBlock && evidence.quoted[i]) {
      // Asking about an attack, quoting one to discuss it or describing one is what security
      // teams do.
      a = Action::kFlag;
      f.band = "discussed";
    } else if (a == Action::kBlock && isAttackCategory(f.category) &&
               (f.needs_corroboration || (evidence.any_quoted && !f.band.empty()))) {
      // A classifier in its flag band, or one that read a quoted attack as an attack, blocks
      // only when an unquoted finding of another detector agrees.
      if (corroborated(evidence, f)) {
        f.band = "corroborated";
      } else {
        a = Action::kFlag;
      }
    }
    if (a != Action::kAllow) {
      const double factor = 1.0 - std::clamp(f.score, 0.0, 1.0) * severityWeight(f.severity);
      keep *= factor;
      keep_blocking *= a == wanted ? factor : 1.0;
    }
    if (a == Action::kBlock || a == Action::kRedact) {
      d.action = std::max(d.action, a);
    }
    d.finding_actions.push_back(a);
    d.findings.push_back(std::move(f));
  }
  d.risk_score = std::clamp(1.0 - keep, 0.0, 1.0);
  if (spec.thresholds.block_risk_score && !d.findings.empty() &&
      1.0 - keep_blocking >= *spec.thresholds.block_risk_score) {
    d.action = Action::kBlock;
  }
  if (d.action == Action::kRedact) {
    std::vector<const detect::Finding*> to_redact;
    for (std::size_t i = 0; i < d.findings.size(); ++i) {
      if (d.finding_actions[i] == Action::kRedact) {
        to_redact.push_back(&d.findings[i]);
      }
    }
    d.sanitized = redact(text, std::move(to_redact));
  }
  return d;
}

}  // namespace aisafe::policy
