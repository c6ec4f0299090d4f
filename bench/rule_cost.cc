// What each shipped pattern rule costs the single scan: the shipped database over 64 KB of the
// benchmarks' prose, then every rule compiled alone (without start positions, as the shipped
// database is) over the same text, the most expensive first. For rule authors (decision 0011):
// a rule near the top is one whose gaps are worth bounding. A rule's cost alone overstates what
// it adds to the database (rules share the literal matcher), but the order is what matters.
// Usage: bench_rules [how many to list, default 15] [rules directory, default the built-in rules]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <hs/hs.h>

#include "detect/pattern_compiler.h"
#include "detect/registry.h"
#include "prose.h"

namespace {
using namespace aisafe;

int countMatch(unsigned, unsigned long long, unsigned long long, unsigned, void* count) {
  ++*static_cast<long*>(count);
  return 0;
}

struct Cost {
  double micros = 0;  // best of five rounds of ten scans
  long matches = 0;   // match ends reported in one scan
};

Cost scanCost(const hs_database_t* db, const std::string& text) {
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) return {};
  Cost cost{1e18, 0};
  for (int round = 0; round < 5; ++round) {
    long matches = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 10; ++i) {
      hs_scan(db, text.data(), static_cast<unsigned>(text.size()), 0, scratch, countMatch,
              &matches);
    }
    const double us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count() /
        10;
    cost = {std::min(cost.micros, us), matches / 10};
  }
  hs_free_scratch(scratch);
  return cost;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t top = argc > 1 ? static_cast<std::size_t>(std::atoi(argv[1])) : 15;
  auto registry = detect::Registry::builtins(detect::RuleSource(argc > 2 ? argv[2] : ""));
  if (!registry) {
    std::fprintf(stderr, "%s\n", registry.status().message().c_str());
    return 2;
  }
  std::vector<std::unique_ptr<const detect::Detector>> detectors;  // own the rules below
  std::vector<const detect::PatternRule*> rules;
  for (const auto& factory : (*registry)->factories()) {
    auto detector = factory->create(nullptr);
    if (!detector) continue;
    const detect::PatternSource* source = (*detector)->patternSource();
    if (source == nullptr || source->patternsPerPolicy()) continue;
    for (const auto& rule : source->patterns()) rules.push_back(&rule);
    detectors.push_back(std::move(detector).value());
  }
  const std::string text = bench::prompt(64 * 1024, false);

  auto shipped = detect::compileRules(rules, /*som=*/false);
  if (!shipped) {
    std::fprintf(stderr, "%s\n", shipped.status().message().c_str());
    return 2;
  }
  const Cost all = scanCost(shipped->get(), text);
  std::printf("shipped database: %zu rules, %.1f us per 64 KB of prose (%.0f MB/s)\n", rules.size(),
              all.micros, static_cast<double>(text.size()) / all.micros);

  std::vector<std::pair<Cost, const detect::PatternRule*>> each;
  for (const detect::PatternRule* rule : rules) {
    auto alone = detect::compileRules({rule}, /*som=*/false);
    if (!alone) continue;
    each.emplace_back(scanCost(alone->get(), text), rule);
  }
  std::sort(each.begin(), each.end(),
            [](const auto& a, const auto& b) { return a.first.micros > b.first.micros; });
  std::printf("each rule alone, the most expensive first:\n");
  for (std::size_t i = 0; i < each.size() && i < top; ++i) {
    std::printf("%8.1f us  %-45s %ld matches\n", each[i].first.micros, each[i].second->id.c_str(),
                each[i].first.matches);
  }
  return 0;
}
