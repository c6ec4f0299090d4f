// `aisafe eval --leave-one-source-out`: for each origin of the data (an owner/repository, see
// dataset.h sourceOrigin), trains the classifier on every other origin and scores that one with
// the whole policy (rules and the fresh classifier together). A held-out template split measures
// memory of the sources the model trained on; this measures what real traffic will see, writing
// the model has never met. Reports per origin the share of benign texts blocked and flagged, or
// the share of attacks blocked, then the worst benign origin and the mean attack recall.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "cli/commands.h"
#include "cli/eval_report.h"
#include "cli/offline.h"
#include "detect/normalizer.h"
#include "detectors/adversarial_suffix/adversarial_suffix_detector.h"
#include "detectors/injection_classifier/injection_classifier_detector.h"
#include "detectors/injection_classifier/text_features.h"
#include "detectors/injection_classifier/trainer.h"
#include "policy/compiled_policy.h"

namespace aisafe::cli {
namespace {

namespace cls = detectors::classifier;

// What one surface decided over one origin's rows.
struct SurfaceCounts {
  std::size_t attacks = 0, attacks_blocked = 0, attacks_flagged = 0;
  std::size_t benign = 0, benign_blocked = 0, benign_flagged = 0;
  std::vector<std::string> examples;  // benign blocked, attacks allowed (a few)
};

struct OriginResult {
  std::string origin;
  SurfaceCounts input;      // every row, as a prompt
  SurfaceCounts retrieved;  // document-shaped rows, as retrieved content
  std::string error;
  // Per row, for the threshold sweep: what the rules alone decide and the classifier's
  // probability.
  struct Scored {
    bool attack;
    bool rules_block;
    double probability;
    const cls::LabeledText* row = nullptr;
    bool blocked = false;  // by the whole policy
    bool flagged = false;
    bool document = false;  // also scored as retrieved content:
    bool retrieved_blocked = false;
    bool retrieved_flagged = false;
  };
  std::vector<Scored> scored;
};

// The rule that made a decision block, for the report.
std::string blockedBy(const policy::Decision& d) {
  for (std::size_t i = 0; i < d.findings.size(); ++i) {
    if (d.finding_actions[i] == policy::Action::kBlock) {
      return d.findings[i].rule_id;
    }
  }
  return "risk score";
}

// What the rules alone find in each row: the same for every fold, so found once.
// As retrieved content, only the document-shaped rows are scanned; the others stay empty.
std::vector<detect::Findings> ruleFindings(const policy::CompiledPolicy& rules,
                                           const std::vector<const cls::LabeledText*>& rows,
                                           detect::Surface surface) {
  std::vector<detect::Findings> out(rows.size());
  detect::ScanScratch scratch;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (surface == detect::Surface::kRetrieved && !isDocumentShaped(*rows[i])) {
      continue;
    }
    if (!rules.pipeline->scan(rows[i]->text, surface, scratch, out[i]).isOk()) {
      out[i].clear();
    }
  }
  return out;
}

boost::json::value classifierConfig(const policy::PolicySpec& spec) {
  boost::json::object bands;
  if (spec.thresholds.classifier_flag) {
    bands["classifier_flag"] = *spec.thresholds.classifier_flag;
  }
  if (spec.thresholds.classifier_block) {
    bands["classifier_block"] = *spec.thresholds.classifier_block;
  }
  return bands;
}

OriginResult scoreOrigin(const std::string& origin, const std::vector<cls::LabeledText>& all,
                         const std::vector<const cls::LabeledText*>& rows,
                         const std::vector<detect::Findings>& rule_findings,
                         const std::vector<detect::Findings>& retrieved_findings,
                         const policy::PolicySpec& spec, const cls::TrainOptions& base) {
  OriginResult r;
  r.origin = origin;
  cls::TrainOptions options = base;
  options.split_of = [&origin](const cls::LabeledText& row) {
    if (cls::sourceOrigin(row) == origin) {
      return cls::Split::kTest;
    }
    return cls::splitOf(row) == cls::Split::kCalibrate ? cls::Split::kCalibrate
                                                       : cls::Split::kTrain;
  };
  cls::TrainReport report;
  auto model = cls::train(all, options, report);
  if (!model) {
    r.error = model.status().message();
    return r;
  }
  const auto shared_model = std::make_shared<const cls::Model>(std::move(model).value());
  auto factory = detectors::makeInjectionClassifierFactory(shared_model);
  auto detector = factory->create(classifierConfig(spec));
  if (!detector) {
    r.error = detector.status().message();
    return r;
  }
  const bool use_classifier = std::find(spec.detectors.begin(), spec.detectors.end(),
                                        "injection_classifier") != spec.detectors.end();
  // The suffix detector's language model must not have read this origin's benign texts either:
  // it learns ordinary writing, and an origin it read looks more ordinary than it is.
  std::unique_ptr<const detect::Detector> suffix_detector;
  if (std::find(spec.detectors.begin(), spec.detectors.end(), "adversarial_suffix") !=
      spec.detectors.end()) {
    auto lm = std::make_shared<const detectors::suffix::CharLm>(
        detectors::suffix::CharLm::train(suffixModelTexts(all, options.split_of)));
    auto created = detectors::makeAdversarialSuffixFactory(std::move(lm))->create({});
    if (!created) {
      r.error = created.status().message();
      return r;
    }
    suffix_detector = std::move(created).value();
  }
  detect::ScanScratch scratch;
  detect::NormalizedText normalized;
  cls::FoldedText folded;
  struct Outcome {
    bool blocked, flagged;
    std::string blocked_by;
  };
  // The whole policy's decision: the rule findings of the surface, then the classifier and the
  // suffix detector, which read every input surface alike.
  auto decideRow = [&](const cls::LabeledText& row, detect::Findings findings,
                       detect::Surface surface) {
    const detect::ScanInput in{row.text, normalized, surface};
    if (use_classifier) {
      (void)(*detector)->textScanner()->scan(in, scratch,
                                             findings);  // the classifier never fails a scan
    }
    if (suffix_detector) {
      (void)suffix_detector->textScanner()->scan(in, scratch,
                                                 findings);  // nor does the suffix detector
    }
    const auto d = policy::decide(spec, std::move(findings), row.text);
    const bool blocked = d.action == policy::Action::kBlock;
    const bool flagged = !blocked && std::find(d.finding_actions.begin(), d.finding_actions.end(),
                                               policy::Action::kFlag) != d.finding_actions.end();
    return Outcome{blocked, flagged, blocked ? blockedBy(d) : std::string()};
  };
  auto count = [](SurfaceCounts& c, const cls::LabeledText& row, const Outcome& o) {
    if (cls::isAttack(row)) {
      ++c.attacks;
      c.attacks_blocked += o.blocked ? 1 : 0;
      c.attacks_flagged += o.flagged ? 1 : 0;
      if (!o.blocked && c.examples.size() < 3) {
        c.examples.push_back("allowed: " + excerpt(row.text, 90));
      }
    } else {
      ++c.benign;
      c.benign_blocked += o.blocked ? 1 : 0;
      c.benign_flagged += o.flagged ? 1 : 0;
      if (o.blocked && c.examples.size() < 6) {
        c.examples.push_back("blocked (" + o.blocked_by + "): " + excerpt(row.text, 80));
      }
    }
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = *rows[i];
    if (cls::sourceOrigin(row) != origin) {
      continue;
    }
    const bool rules_block =
        policy::decide(spec, rule_findings[i], row.text).action == policy::Action::kBlock;
    detect::normalize(row.text, normalized);
    cls::foldText(normalized.text(), folded);
    const double probability =
        folded.code_points == 0 ? 0.0 : shared_model->score(folded).probability;
    r.scored.push_back({cls::isAttack(row), rules_block, probability, &row});
    auto& scored = r.scored.back();
    const Outcome as_input = decideRow(row, rule_findings[i], detect::Surface::kInput);
    scored.blocked = as_input.blocked;
    scored.flagged = as_input.flagged;
    count(r.input, row, as_input);
    if (isDocumentShaped(row)) {
      const Outcome as_retrieved =
          decideRow(row, retrieved_findings[i], detect::Surface::kRetrieved);
      scored.document = true;
      scored.retrieved_blocked = as_retrieved.blocked;
      scored.retrieved_flagged = as_retrieved.flagged;
      count(r.retrieved, row, as_retrieved);
    }
  }
  return r;
}

// The decision a block threshold would give if the classifier blocked alone from it, over every
// fold: the worst benign origin and the mean attack recall. What the default thresholds are
// chosen from (docs/decisions/0017-classifier-bands.md).
void printSweep(const std::vector<OriginResult>& results) {
  std::printf("\nif the classifier blocked alone from a threshold (rules as they are):\n");
  std::printf("  %-10s %-28s %-12s %s\n", "threshold", "worst benign origin", "its blocked",
              "mean attack recall");
  for (const double t : {0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999, 1.01}) {
    double worst = 0, recall_sum = 0;
    std::string worst_origin = "-";
    std::size_t attack_origins = 0;
    for (const auto& r : results) {
      std::size_t attacks = 0, caught = 0, benign = 0, blocked = 0;
      for (const auto& row : r.scored) {
        const bool block = row.rules_block || row.probability >= t;
        (row.attack ? attacks : benign) += 1;
        (row.attack ? caught : blocked) += block ? 1 : 0;
      }
      if (attacks > 0) {
        recall_sum += ratio(caught, attacks);
        ++attack_origins;
      }
      if (benign > 0 && ratio(blocked, benign) > worst) {
        worst = ratio(blocked, benign);
        worst_origin = r.origin;
      }
    }
    char label[16];
    std::snprintf(label, sizeof label, t > 1 ? "never" : "%.3f", t);
    std::printf("  %-10s %-28s %6.2f%%      %5.1f%%\n", label, worst_origin.substr(0, 28).c_str(),
                100 * worst,
                attack_origins == 0 ? 0.0 : 100 * recall_sum / static_cast<double>(attack_origins));
  }
}

void printResults(const std::vector<OriginResult>& results, SurfaceCounts OriginResult::*surface,
                  const char* title) {
  std::printf("\n%s\n", title);
  std::printf("  %-44s %-22s %-16s %-22s %s\n", "origin", "attacks blocked", "attacks flagged",
              "benign blocked", "benign flagged");
  double recall_sum = 0, flagged_sum = 0;  // flagged_sum: blocked or flagged
  std::size_t attack_origins = 0;
  const OriginResult* worst = nullptr;
  for (const auto& r : results) {
    if (!r.error.empty()) {
      std::printf("  %-44s error: %s\n", r.origin.c_str(), r.error.c_str());
      continue;
    }
    const SurfaceCounts& c = r.*surface;
    if (c.attacks + c.benign == 0) {
      continue;
    }
    char attacks[32] = "", attacks_flagged[16] = "", blocked[32] = "", flagged[32] = "";
    if (c.attacks > 0) {
      std::snprintf(attacks, sizeof attacks, "%5.1f%% (%zu/%zu)",
                    100 * ratio(c.attacks_blocked, c.attacks), c.attacks_blocked, c.attacks);
      std::snprintf(attacks_flagged, sizeof attacks_flagged, "%5.1f%%",
                    100 * ratio(c.attacks_flagged, c.attacks));
      recall_sum += ratio(c.attacks_blocked, c.attacks);
      flagged_sum += ratio(c.attacks_blocked + c.attacks_flagged, c.attacks);
      ++attack_origins;
    }
    if (c.benign > 0) {
      std::snprintf(blocked, sizeof blocked, "%5.2f%% (%zu/%zu)",
                    100 * ratio(c.benign_blocked, c.benign), c.benign_blocked, c.benign);
      std::snprintf(flagged, sizeof flagged, "%5.2f%%", 100 * ratio(c.benign_flagged, c.benign));
      const SurfaceCounts* w = worst == nullptr ? nullptr : &(worst->*surface);
      if (w == nullptr || ratio(c.benign_blocked, c.benign) > ratio(w->benign_blocked, w->benign)) {
        worst = &r;
      }
    }
    std::printf("  %-44s %-22s %-16s %-22s %s\n", r.origin.substr(0, 44).c_str(), attacks,
                attacks_flagged, blocked, flagged);
    for (const auto& e : c.examples) {
      std::printf("      %s\n", e.c_str());
    }
  }
  if (worst != nullptr) {
    const SurfaceCounts& w = worst->*surface;
    std::printf("worst benign origin: %s, %.2f%% blocked\n", worst->origin.c_str(),
                100 * ratio(w.benign_blocked, w.benign));
  }
  if (attack_origins > 0) {
    std::printf(
        "mean attack recall over %zu attack origins: %.1f%% blocked, %.1f%% blocked or "
        "flagged\n",
        attack_origins, 100 * recall_sum / static_cast<double>(attack_origins),
        100 * flagged_sum / static_cast<double>(attack_origins));
  }
}

// The headline again with each document-shaped attack counted as retrieved content, as an
// application that marks what it retrieved (the proxy marks tool results) would see it.
void printWithDocumentsRetrieved(const std::vector<OriginResult>& results) {
  double recall_sum = 0;
  std::size_t attack_origins = 0;
  for (const auto& r : results) {
    std::size_t attacks = 0, blocked = 0;
    for (const auto& s : r.scored) {
      if (s.attack) {
        ++attacks;
        blocked += (s.document ? s.retrieved_blocked : s.blocked) ? 1 : 0;
      }
    }
    if (attacks > 0) {
      recall_sum += ratio(blocked, attacks);
      ++attack_origins;
    }
  }
  if (attack_origins > 0) {
    std::printf(
        "mean attack recall with document-shaped rows scored as retrieved: %.1f%% blocked\n",
        100 * recall_sum / static_cast<double>(attack_origins));
  }
}

// One JSON line per scored row, for tuning thresholds and corroboration offline.
bool writeScores(const std::vector<OriginResult>& results, const std::string& path) {
  std::ofstream out(path);
  for (const auto& r : results) {
    for (const auto& s : r.scored) {
      boost::json::object line{{"id", s.row->id},
                               {"origin", r.origin},
                               {"label", s.row->label},
                               {"lang", s.row->lang},
                               {"kind", s.row->kind},
                               {"probability", s.probability},
                               {"rules_block", s.rules_block},
                               {"blocked", s.blocked},
                               {"flagged", s.flagged}};
      if (s.document) {
        line["retrieved_blocked"] = s.retrieved_blocked;
        line["retrieved_flagged"] = s.retrieved_flagged;
      }
      out << boost::json::serialize(line) << '\n';
    }
  }
  return static_cast<bool>(out);
}

}  // namespace

int evalLeaveOneSourceOut(const std::vector<cls::LabeledText>& all, const policy::PolicySpec& spec,
                          const detect::Registry& registry, const std::string& scores_out) {
  std::vector<const cls::LabeledText*> rows;
  std::vector<std::string> origins;
  for (const auto& r : all) {
    if (!cls::isStandalone(r)) {
      continue;
    }
    rows.push_back(&r);
    origins.push_back(cls::sourceOrigin(r));
  }
  std::sort(origins.begin(), origins.end());
  origins.erase(std::unique(origins.begin(), origins.end()), origins.end());
  // The suffix detector is trained per fold (scoreOrigin), not taken from the registry.
  policy::PolicySpec rules_spec = spec;
  std::erase(rules_spec.detectors, "adversarial_suffix");
  auto rules = compileVariant(rules_spec, "rules", registry, true, false);
  if (!rules) {
    std::fprintf(stderr, "aisafe eval: %s\n", rules.status().message().c_str());
    return 2;
  }
  const auto rule_findings = ruleFindings(**rules, rows, detect::Surface::kInput);
  const auto retrieved_findings = ruleFindings(**rules, rows, detect::Surface::kRetrieved);

  // Folds are independent and each is deterministic: run as many at once as there are cores.
  std::vector<OriginResult> results(origins.size());
  std::size_t next = 0;
  std::mutex mu;
  auto worker = [&] {
    for (;;) {
      std::size_t k;
      {
        std::lock_guard lock(mu);
        if (next == origins.size()) {
          return;
        }
        k = next++;
      }
      results[k] = scoreOrigin(origins[k], all, rows, rule_findings, retrieved_findings, spec,
                               cls::TrainOptions{});
      std::lock_guard lock(mu);
      std::fprintf(stderr, "  scored %s\n", origins[k].c_str());
    }
  };
  const unsigned threads = std::max(1U, std::min(4U, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back(worker);
  }
  for (auto& t : pool) {
    t.join();
  }
  printResults(results, &OriginResult::input,
               "leave one source out: each origin scored by a model trained on all the others");
  printResults(results, &OriginResult::retrieved,
               "the document-shaped rows again, as retrieved content (\"source\": \"retrieved\")");
  printWithDocumentsRetrieved(results);
  printSweep(results);
  if (!scores_out.empty() && !writeScores(results, scores_out)) {
    std::fprintf(stderr, "aisafe eval: cannot write %s\n", scores_out.c_str());
    return 2;
  }
  return 0;
}

}  // namespace aisafe::cli
