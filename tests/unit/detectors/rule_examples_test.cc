// Runs every example of every rule file: each "match" example must produce a finding of its
// rule, each "no_match" example must not. Adding a case to rules/*.json needs no C++.
#include <gtest/gtest.h>

#include "detect/pipeline.h"
#include "detect/registry.h"
#include "policy/policy.h"

namespace aisafe::detect {
namespace {

class RuleExamplesTest : public ::testing::TestWithParam<std::string> {};

bool hasRule(const Findings& fs, const std::string& id) {
  for (const auto& f : fs) {
    if (f.rule_id == id) return true;
  }
  return false;
}

TEST_P(RuleExamplesTest, EveryExampleBehaves) {
  const RuleSource source(AISAFE_SOURCE_DIR "/rules");
  auto registry = Registry::builtins(source);
  ASSERT_TRUE(registry.isOk()) << registry.status().message();
  const DetectorFactory* factory = (*registry)->find(GetParam());
  ASSERT_NE(factory, nullptr);
  // The rules and their examples, read from the file itself: a detector may hold more than its
  // rule set (pii also finds phone and card numbers, with golden cases of their own).
  auto json = source.read(GetParam());
  ASSERT_TRUE(json.isOk()) << json.status().message();
  auto rules = parseRuleSet(*json, /*default_caseless=*/true);
  ASSERT_TRUE(rules.isOk()) << rules.status().message();
  auto detector = factory->create(boost::json::value());
  ASSERT_TRUE(detector.isOk());
  std::vector<std::unique_ptr<const Detector>> ds;
  ds.push_back(std::move(detector).value());
  auto pipeline = Pipeline::build(std::move(ds));
  ASSERT_TRUE(pipeline.isOk()) << pipeline.status().message();

  ScanScratch scratch;
  std::size_t checked = 0;
  for (const auto& rule : rules->rules) {
    EXPECT_FALSE(rule.must_match.empty()) << rule.id << " has no positive example";
    const SurfaceSet surfaces = (*pipeline)->detectors()[0]->surfaces();
    const auto surface = surfaces.retrieved_only ? Surface::kRetrieved
                         : surfaces.input        ? Surface::kInput
                                                 : Surface::kOutput;
    for (const auto& text : rule.must_match) {
      Findings out;
      ASSERT_TRUE((*pipeline)->scan(text, surface, scratch, out).isOk());
      EXPECT_TRUE(hasRule(out, rule.id)) << rule.id << " should match: " << text;
      ++checked;
    }
    for (const auto& text : rule.must_not_match) {
      Findings out;
      ASSERT_TRUE((*pipeline)->scan(text, surface, scratch, out).isOk());
      EXPECT_FALSE(hasRule(out, rule.id)) << rule.id << " should not match: " << text;
      ++checked;
    }
    bool known = false;
    for (const auto& c : policy::knownCategories()) known = known || c == rule.category;
    EXPECT_TRUE(known) << rule.id << " has a category policies cannot act on: " << rule.category;
  }
  EXPECT_GT(checked, 0u);
}

INSTANTIATE_TEST_SUITE_P(RuleFiles, RuleExamplesTest,
                         ::testing::Values("prompt_injection", "pii", "secrets",
                                           "indirect_injection"));

TEST(RuleFilesTest, EmbeddedCopiesLoad) {
  auto registry = Registry::builtins(RuleSource(""));
  ASSERT_TRUE(registry.isOk()) << registry.status().message();
  EXPECT_NE((*registry)->find("pii"), nullptr);
  EXPECT_NE((*registry)->find("custom"), nullptr);
}

}  // namespace
}  // namespace aisafe::detect
