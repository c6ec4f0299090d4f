// `aisafe eval`: measures how well a policy tells attacks from benign texts on labeled JSON lines,
// for the rules alone, the classifier alone and both together, on the held-out rows (the split
// training never reads, see dataset.h) or on every row (--split all, for files never trained on).
// Prints per label precision, recall, F1 and the share of benign texts blocked, recall and
// benign-blocked share per language, then the worst misses of each kind.
#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "cli/commands.h"
#include "cli/eval_report.h"
#include "cli/offline.h"
#include "detectors/injection_classifier/dataset.h"
#include "policy/compiled_policy.h"

namespace aisafe::cli {
namespace {

namespace cls = detectors::classifier;

int fail(const std::string& message) {
  std::fprintf(stderr, "aisafe eval: %s\n", message.c_str());
  return 2;
}

struct Counts {
  std::size_t rows = 0;
  std::size_t blocked = 0;
  std::size_t flagged = 0;  // allowed, with a flagged finding
};

// Results of one configuration (rules, classifier, both) over the rows.
struct Tally {
  std::map<std::string, Counts> by_label;
  std::map<std::string, Counts> by_lang_attack;
  std::map<std::string, Counts> by_lang_benign;
  std::map<std::string, Counts> by_source_attack;
  std::map<std::string, Counts> by_source_benign;
  std::map<std::string, Counts> by_kind_attack;  // meta.kind, where rows have one
  std::map<std::string, Counts> by_kind_benign;
  std::vector<bool> blocked;      // per row
  std::vector<double> risk;       // per row
  std::vector<double> top_score;  // per row: the highest score of a finding
  std::vector<std::string> why;
};

// "owner/repo/path/file.ext@commit (note)" -> "owner/repo .../file.ext": short enough for a table.
std::string sourceName(const std::string& source) {
  std::string s = source.substr(0, source.find('@'));
  const auto first = s.find('/');
  const auto second = first == std::string::npos ? first : s.find('/', first + 1);
  const auto last = s.rfind('/');
  if (second != std::string::npos && last > second) {
    s = s.substr(0, second) + " .." + s.substr(last);
  }
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

Tally run(const policy::CompiledPolicy& pol, const std::vector<const cls::LabeledText*>& rows,
          detect::Surface surface) {
  Tally t;
  detect::ScanScratch scratch;
  for (const auto* row : rows) {
    detect::Findings findings;
    bool blocked = false, flagged = false;
    double risk = 0.0, top = 0.0;
    std::string why;
    if (pol.pipeline->scan(row->text, surface, scratch, findings).isOk()) {
      auto d = policy::decide(pol.spec, std::move(findings), row->text);
      blocked = d.action == policy::Action::kBlock;
      flagged = !blocked && std::find(d.finding_actions.begin(), d.finding_actions.end(),
                                      policy::Action::kFlag) != d.finding_actions.end();
      risk = d.risk_score;
      for (const auto& f : d.findings) {
        top = std::max(top, f.score);
      }
      for (std::size_t i = 0; i < d.findings.size(); ++i) {
        if (d.finding_actions[i] == policy::Action::kBlock) {
          why = d.findings[i].rule_id;
          break;
        }
      }
    }
    t.blocked.push_back(blocked);
    t.risk.push_back(risk);
    t.top_score.push_back(top);
    t.why.push_back(why);
    auto add = [&](Counts& c) {
      ++c.rows;
      c.blocked += blocked ? 1 : 0;
      c.flagged += flagged ? 1 : 0;
    };
    add(t.by_label[row->label]);
    add(cls::isAttack(*row) ? t.by_lang_attack[row->lang] : t.by_lang_benign[row->lang]);
    const std::string source = sourceName(row->source);
    add(cls::isAttack(*row) ? t.by_source_attack[source] : t.by_source_benign[source]);
    if (!row->kind.empty()) {
      add(cls::isAttack(*row) ? t.by_kind_attack[row->kind] : t.by_kind_benign[row->kind]);
    }
  }
  return t;
}

void printSummary(const std::vector<std::pair<std::string, Tally>>& tallies) {
  std::printf("\n%-22s", "");
  for (const auto& [name, t] : tallies) {
    std::printf(" | %-28s", name.c_str());
  }
  std::printf("\n%-22s", "label");
  for (std::size_t i = 0; i < tallies.size(); ++i) {
    std::printf(" | %-8s %-8s %-9s", "prec", "recall", "F1");
  }
  std::printf("\n");
  auto fp = [](const Tally& t) {
    auto it = t.by_label.find("benign");
    return it == t.by_label.end() ? std::size_t{0} : it->second.blocked;
  };
  for (const char* label : {"injection", "jailbreak", "attacks (both)"}) {
    std::printf("%-22s", label);
    for (const auto& [name, t] : tallies) {
      Counts c;
      if (std::string(label) == "attacks (both)") {
        for (const char* l : {"injection", "jailbreak"}) {
          if (auto it = t.by_label.find(l); it != t.by_label.end()) {
            c.rows += it->second.rows;
            c.blocked += it->second.blocked;
          }
        }
      } else if (auto it = t.by_label.find(label); it != t.by_label.end()) {
        c = it->second;
      }
      const double precision = ratio(c.blocked, c.blocked + fp(t));
      const double recall = ratio(c.blocked, c.rows);
      const double f1 =
          precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
      std::printf(" | %-8.4f %-8.4f %-9.4f", precision, recall, f1);
    }
    std::printf("\n");
  }
  for (const bool blocked : {true, false}) {
    std::printf("%-22s", blocked ? "benign blocked" : "benign flagged");
    for (const auto& [name, t] : tallies) {
      auto it = t.by_label.find("benign");
      const Counts c = it == t.by_label.end() ? Counts{} : it->second;
      const std::size_t n = blocked ? c.blocked : c.flagged;
      char cell[40];
      std::snprintf(cell, sizeof cell, "%.4f (%zu of %zu)", ratio(n, c.rows), n, c.rows);
      std::printf(" | %-28s", cell);
    }
    std::printf("\n");
  }
}

void printSources(const Tally& t) {
  std::printf("\nby source (both): attacks blocked, benign blocked\n");
  for (const auto& [source, c] : t.by_source_attack) {
    std::printf("  %-60s attacks %4zu/%-4zu %6.1f%%\n", source.c_str(), c.blocked, c.rows,
                100 * ratio(c.blocked, c.rows));
  }
  for (const auto& [source, c] : t.by_source_benign) {
    std::printf("  %-60s benign  %4zu/%-4zu %6.1f%%\n", source.c_str(), c.blocked, c.rows,
                100 * ratio(c.blocked, c.rows));
  }
}

void printKinds(const Tally& t) {
  if (t.by_kind_attack.empty() && t.by_kind_benign.empty()) {
    return;
  }
  std::printf("\nby kind (both): attacks blocked; benign blocked, flagged\n");
  for (const auto& [kind, c] : t.by_kind_attack) {
    std::printf("  %-32s attacks %4zu/%-4zu %6.1f%%\n", kind.c_str(), c.blocked, c.rows,
                100 * ratio(c.blocked, c.rows));
  }
  for (const auto& [kind, c] : t.by_kind_benign) {
    std::printf("  %-32s benign  %4zu/%-4zu %6.2f%% blocked %6.2f%% flagged\n", kind.c_str(),
                c.blocked, c.rows, 100 * ratio(c.blocked, c.rows), 100 * ratio(c.flagged, c.rows));
  }
}

void printLanguages(const Tally& t) {
  std::printf("\nby language (both): attacks blocked, benign blocked\n");
  std::map<std::string, int> langs;
  for (const auto& [l, c] : t.by_lang_attack) {
    langs[l] = 0;
  }
  for (const auto& [l, c] : t.by_lang_benign) {
    langs[l] = 0;
  }
  for (const auto& [lang, unused] : langs) {
    const auto a = t.by_lang_attack.count(lang) ? t.by_lang_attack.at(lang) : Counts{};
    const auto b = t.by_lang_benign.count(lang) ? t.by_lang_benign.at(lang) : Counts{};
    std::printf("  %-4s attacks %4zu/%-4zu %6.1f%%   benign %3zu/%-4zu %5.1f%%\n", lang.c_str(),
                a.blocked, a.rows, 100 * ratio(a.blocked, a.rows), b.blocked, b.rows,
                100 * ratio(b.blocked, b.rows));
  }
}

}  // namespace

int eval(const std::vector<std::string>& data_files, const char* policy_file,
         const EvalOptions& options) {
  const std::string& split = options.split;
  const std::size_t misses = options.misses;
  const detect::Surface surface =
      options.as_retrieved ? detect::Surface::kRetrieved : detect::Surface::kInput;
  auto registry = loadOfflineRegistry();
  if (!registry) {
    return fail(registry.status().message());
  }
  auto loaded = loadPolicyFile(policy_file, **registry);
  if (!loaded) {
    return fail(loaded.status().message());
  }
  const policy::PolicySpec spec = std::move(loaded).value();

  std::vector<cls::LabeledText> all;
  for (const auto& path : data_files) {
    auto read = cls::readLabeledTexts(path);
    if (!read) {
      return fail(read.status().message());
    }
    for (auto& r : *read) {
      all.push_back(std::move(r));
    }
  }
  if (options.leave_one_source_out) {
    return evalLeaveOneSourceOut(all, spec, **registry, options.scores_out);
  }
  std::vector<const cls::LabeledText*> rows;
  std::size_t context_dependent = 0;
  for (const auto& r : all) {
    if (!cls::isStandalone(r)) {
      ++context_dependent;  // no text-only detector can judge them (dataset.h)
      continue;
    }
    if (split == "all" || cls::splitOf(r) == cls::Split::kTest) {
      rows.push_back(&r);
    }
  }
  if (rows.empty()) {
    return fail("no rows to evaluate");
  }

  std::vector<std::pair<std::string, Tally>> tallies;
  for (const auto& [name, rules, classifier] :
       {std::tuple{"rules", true, false}, std::tuple{"classifier", false, true},
        std::tuple{"both", true, true}}) {
    auto compiled = compileVariant(spec, name, **registry, rules, classifier);
    if (!compiled) {
      return fail(compiled.status().message());
    }
    tallies.emplace_back(name, run(**compiled, rows, surface));
  }

  std::map<std::string, std::size_t> labels;
  for (const auto* r : rows) {
    ++labels[r->label];
  }
  std::printf("%zu rows (%s split, as %s):", rows.size(), split.c_str(),
              options.as_retrieved ? "retrieved content" : "prompts");
  for (const auto& [l, n] : labels) {
    std::printf(" %s %zu", l.c_str(), n);
  }
  std::printf(" (context_dependent rows left out: %zu)\n", context_dependent);
  printSummary(tallies);
  const Tally& both = tallies.back().second;
  printKinds(both);
  printLanguages(both);
  printSources(both);

  // Worst misses of "both": attacks let through with the lowest classifier probability, benign
  // texts blocked with the highest risk.
  // The classifier's probability for every row: the classifier alone with no threshold.
  policy::PolicySpec probe = spec;
  probe.thresholds.classifier_flag = 1e-6;
  probe.thresholds.min_score = 0.0;
  auto probe_policy = compileVariant(probe, "probe", **registry, false, true);
  if (!probe_policy) {
    return fail(probe_policy.status().message());
  }
  const Tally scores = run(**probe_policy, rows, surface);
  std::vector<std::size_t> missed, false_alarms;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (cls::isAttack(*rows[i]) && !both.blocked[i]) {
      missed.push_back(i);
    }
    if (!cls::isAttack(*rows[i]) && both.blocked[i]) {
      false_alarms.push_back(i);
    }
  }
  std::sort(missed.begin(), missed.end(), [&](std::size_t a, std::size_t b) {
    return scores.top_score[a] < scores.top_score[b];
  });
  std::sort(false_alarms.begin(), false_alarms.end(),
            [&](std::size_t a, std::size_t b) { return both.risk[a] > both.risk[b]; });
  std::printf("\nattacks allowed (both): %zu; the first %zu\n", missed.size(),
              std::min(misses, missed.size()));
  for (std::size_t k = 0; k < missed.size() && k < misses; ++k) {
    const auto* r = rows[missed[k]];
    std::printf("  %-12s %-9s p=%.3f %-3s %s\n", r->id.c_str(), r->label.c_str(),
                scores.top_score[missed[k]], r->lang.c_str(), excerpt(r->text).c_str());
  }
  std::printf("\nbenign blocked (both): %zu; the worst %zu\n", false_alarms.size(),
              std::min(misses, false_alarms.size()));
  for (std::size_t k = 0; k < false_alarms.size() && k < misses; ++k) {
    const std::size_t i = false_alarms[k];
    std::printf("  %-12s risk %.2f %-28s %-3s %s\n", rows[i]->id.c_str(), both.risk[i],
                both.why[i].c_str(), rows[i]->lang.c_str(), excerpt(rows[i]->text).c_str());
  }
  return 0;
}

}  // namespace aisafe::cli
