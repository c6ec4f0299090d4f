// Recall of the pii detector on datasets/pii/pii_dev.jsonl (presidio-research's synthetic
// sentences, copied from the shared data), per entity type the detector covers, and the benign
// side: the shared benign_broad.jsonl when it is present.
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "pii_data.h"

namespace aisafe::detectors::pii_test {
namespace {

// The data's labels and the finding types that answer them. Labels not listed (names,
// addresses, dates, ...) are not this detector's.
const std::map<std::string, std::set<std::string>>& coveredTypes() {
  static const std::map<std::string, std::set<std::string>> kTypes = {
      {"PHONE_NUMBER", {"phone"}},  {"CREDIT_CARD", {"credit_card"}},
      {"EMAIL_ADDRESS", {"email"}}, {"US_SSN", {"us_ssn"}},
      {"IBAN_CODE", {"iban"}},      {"IP_ADDRESS", {"ipv4", "ipv6"}},
  };
  return kTypes;
}

// Found: a finding of an answering type overlaps the labeled span.
bool found(const detect::Findings& findings, const LabeledEntity& e,
           const std::set<std::string>& types) {
  for (const auto& f : findings) {
    if (types.count(f.type) != 0 && f.start < e.end && e.start < f.end) {
      return true;
    }
  }
  return false;
}

TEST(PiiDevRecallTest, AtLeast95PercentPerCoveredType) {
  const auto rows = readLabeled(AISAFE_SOURCE_DIR "/datasets/pii/pii_dev.jsonl");
  ASSERT_TRUE(rows.has_value());
  std::map<std::string, std::pair<int, int>> tally;  // label -> (found, total)
  std::string misses;
  for (const auto& row : *rows) {
    const auto findings = scanPii(row.text);
    for (const auto& e : row.entities) {
      const auto it = coveredTypes().find(e.type);
      if (it == coveredTypes().end()) {
        continue;
      }
      auto& [hit, total] = tally[e.type];
      ++total;
      if (found(findings, e, it->second)) {
        ++hit;
      } else {
        misses += "  " + e.type + ": " + row.text.substr(e.start, e.end - e.start) + "\n";
      }
    }
  }
  for (const auto& [type, counts] : tally) {
    const double recall = static_cast<double>(counts.first) / counts.second;
    std::printf("pii_dev %-14s %4d / %4d  recall %.3f\n", type.c_str(), counts.first, counts.second,
                recall);
    EXPECT_GE(recall, 0.95) << type;
  }
  if (std::getenv("PII_SHOW_MISSES") != nullptr) {
    std::printf("misses:\n%s", misses.c_str());
  }
}

// The benign side on the team's shared data (not in the repository: 16 MB). Prints how many
// texts have a pii finding, by type; PII_DUMP=FILE writes those texts for reading.
TEST(PiiBenignBroadTest, TextsWithAFinding) {
  const auto rows = readLabeled(sharedDataDir() + "/benign_broad.jsonl");
  if (!rows) {
    GTEST_SKIP() << "no " << sharedDataDir() << "/benign_broad.jsonl";
  }
  std::map<std::string, int> by_type;
  int texts = 0;
  std::ofstream dump;
  if (const char* path = std::getenv("PII_DUMP")) {
    dump.open(path);
  }
  for (const auto& row : *rows) {
    const auto findings = scanPii(row.text);
    std::set<std::string> types;
    for (const auto& f : findings) {
      if (f.category == "pii") {
        types.insert(f.type);
        if (dump) {
          const std::size_t from = f.start > 60 ? f.start - 60 : 0;
          std::string around = row.text.substr(from, f.end + 60 - from);
          for (char& c : around) {
            c = c == '\n' || c == '\t' ? ' ' : c;
          }
          dump << f.type << "\t" << f.rule_id << "\t" << f.score << "\t"
               << row.text.substr(f.start, f.end - f.start) << "\t" << around << "\n";
        }
      }
    }
    texts += types.empty() ? 0 : 1;
    for (const auto& t : types) {
      ++by_type[t];
    }
  }
  std::printf("benign_broad: %zu texts, %d with a pii finding\n", rows->size(), texts);
  for (const auto& [type, n] : by_type) {
    std::printf("  %-12s %d\n", type.c_str(), n);
  }
}

}  // namespace
}  // namespace aisafe::detectors::pii_test
