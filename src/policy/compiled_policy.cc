#include "policy/compiled_policy.h"

#include <algorithm>

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
    if (name == "injection_classifier" && spec.thresholds.classifier) {
      config = boost::json::object{{"threshold", *spec.thresholds.classifier}};
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

Decision decide(const PolicySpec& spec, detect::Findings findings, std::string_view text) {
  Decision d;
  double keep = 1.0;
  d.findings.reserve(findings.size());
  d.finding_actions.reserve(findings.size());
  for (auto& f : findings) {
    if (f.severity < spec.thresholds.min_severity || f.score < spec.thresholds.min_score) {
      continue;
    }
    const Action a = spec.actionFor(f);
    if (a != Action::kAllow) {
      keep *= 1.0 - std::clamp(f.score, 0.0, 1.0) * severityWeight(f.severity);
    }
    if (a == Action::kBlock || a == Action::kRedact) {
      d.action = std::max(d.action, a);
    }
    d.finding_actions.push_back(a);
    d.findings.push_back(std::move(f));
  }
  d.risk_score = std::clamp(1.0 - keep, 0.0, 1.0);
  if (spec.thresholds.block_risk_score && !d.findings.empty() &&
      d.risk_score >= *spec.thresholds.block_risk_score) {
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
