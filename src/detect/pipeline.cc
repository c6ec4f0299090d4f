#include "detect/pipeline.h"

#include <hs/hs.h>

#include <algorithm>

namespace aisafe::detect {
namespace {

int onMatch(unsigned id, unsigned long long from, unsigned long long to, unsigned /*flags*/,
            void* ctx) {
  auto* scratch = static_cast<ScanScratch*>(ctx);
  if (scratch->matches.size() >= Pipeline::kMaxRawMatches) {
    scratch->matches_truncated = true;
    return 1;  // stop scanning
  }
  scratch->matches.push_back({id, from, to});
  return 0;
}

}  // namespace

Result<std::shared_ptr<const Pipeline>> Pipeline::build(
    std::vector<std::unique_ptr<const Detector>> detectors) {
  std::shared_ptr<Pipeline> p(new Pipeline());
  p->detectors_ = std::move(detectors);
  Group shipped, own;
  for (const auto& d : p->detectors_) {
    Group& g = d->patternsPerPolicy() ? own : shipped;
    for (const auto& rule : d->patterns()) {
      g.rules.push_back(&rule);
      g.owners.push_back(d.get());
    }
  }
  for (Group* g : {&shipped, &own}) {
    if (g->rules.empty()) continue;
    AISAFE_TRY(g->db, sharedDatabase(g->rules));
    p->groups_.push_back(std::move(*g));
  }
  return std::shared_ptr<const Pipeline>(std::move(p));
}

std::size_t Pipeline::patternCount() const {
  std::size_t n = 0;
  for (const auto& g : groups_) n += g.rules.size();
  return n;
}

Status Pipeline::scanGroup(const Group& g, std::string_view ntext, ScanScratch& scratch) const {
  scratch.matches.clear();
  if (ntext.empty()) return Status::ok();
  AISAFE_TRY(hs_scratch * hs, scratch.forDatabase(g.db->get(), g.db->serial()));
  const hs_error_t rc = hs_scan(g.db->get(), ntext.data(), static_cast<unsigned>(ntext.size()), 0,
                                hs, onMatch, &scratch);
  if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) {
    return internalError("vectorscan scan failed with code " + std::to_string(rc));
  }
  return Status::ok();
}

// Longest confirmed end per (rule, start); then per rule, no overlapping findings.
void Pipeline::confirmMatches(const Group& g, const NormalizedText& norm, Surface surface,
                              ScanScratch& scratch, Findings& out) const {
  const std::string_view ntext = norm.text();
  auto& m = scratch.matches;
  std::sort(m.begin(), m.end(), [](const RawMatch& a, const RawMatch& b) {
    if (a.id != b.id) return a.id < b.id;
    if (a.from != b.from) return a.from < b.from;
    return a.to > b.to;
  });
  for (std::size_t i = 0; i < m.size();) {
    const unsigned id = m[i].id;
    const PatternRule& rule = *g.rules[id];
    const Detector& owner = *g.owners[id];
    const bool applies = owner.surfaces().covers(surface);
    unsigned long long accepted_end = 0;
    bool have_accepted = false;
    while (i < m.size() && m[i].id == id) {
      const unsigned long long from = m[i].from;
      std::size_t j = i;
      bool confirmed = false;
      unsigned long long end = 0;
      for (std::size_t tried = 0; j < m.size() && m[j].id == id && m[j].from == from; ++j) {
        if (confirmed || !applies || tried >= kMaxEndsTried) continue;
        if (have_accepted && from < accepted_end) continue;
        ++tried;
        if (m[j].to <= from) continue;
        if (owner.confirm(rule, ntext.substr(from, m[j].to - from))) {
          confirmed = true;
          end = m[j].to;
        }
      }
      if (confirmed) {
        auto [ostart, oend] = norm.toOriginal(from, end);
        Finding f;
        f.detector = std::string(owner.name());
        f.rule_id = rule.id;
        f.category = rule.category;
        f.type = rule.type;
        f.severity = rule.severity;
        f.score = rule.score;
        f.start = ostart;
        f.end = oend;
        f.message = rule.description;
        f.redact_as = rule.redact_as;
        f.layer = "text";
        out.push_back(std::move(f));
        accepted_end = end;
        have_accepted = true;
      }
      i = j;
    }
  }
}

Status Pipeline::scan(std::string_view text, Surface surface, ScanScratch& scratch,
                      Findings& out) const {
  normalize(text, scratch.normalized);
  const NormalizedText& norm = scratch.normalized;
  const std::size_t first_new = out.size();
  scratch.matches_truncated = false;
  for (const auto& g : groups_) {
    AISAFE_RETURN_IF_ERROR(scanGroup(g, norm.text(), scratch));
    confirmMatches(g, norm, surface, scratch, out);
  }
  const ScanInput input{text, norm, surface};
  for (const auto& d : detectors_) {
    if (!d->surfaces().covers(surface)) continue;
    AISAFE_RETURN_IF_ERROR(d->scan(input, scratch, out));
  }
  std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(first_new), out.end(),
                   [](const Finding& a, const Finding& b) { return a.start < b.start; });
  return Status::ok();
}

}  // namespace aisafe::detect
