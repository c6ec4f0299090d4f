#include "policy/policy.h"

#include <fstream>
#include <sstream>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace aisafe::policy {
namespace {

std::shared_ptr<const detect::Registry> registry() {
  static auto r = detect::Registry::builtins(detect::RuleSource(""));
  return *r;
}

Result<PolicySpec> parse(const char* json) {
  return parsePolicySpec(boost::json::parse(json), *registry());
}

TEST(PolicyTest, LeftOutFieldsTakeDefaults) {
  auto p = parse(R"({"name": "strict"})");
  ASSERT_TRUE(p.isOk()) << p.status().message();
  EXPECT_EQ(p->detectors, defaultPolicySpec().detectors);
  EXPECT_EQ(p->actions.at("pii"), Action::kRedact);
  EXPECT_FALSE(p->log_raw_text);
}

TEST(PolicyTest, RoundTripsThroughJson) {
  auto p = parse(R"({"name":"x","detectors":["pii"],"actions":{"pii":"block","pii.email":"allow"},
                     "thresholds":{"min_severity":"high","min_score":0.7,"block_risk_score":0.9},
                     "custom":{"keywords":["a"]},"log_raw_text":true})");
  ASSERT_TRUE(p.isOk()) << p.status().message();
  auto again = parsePolicySpec(toJson(*p), *registry());
  ASSERT_TRUE(again.isOk());
  EXPECT_EQ(boost::json::serialize(toJson(*again)), boost::json::serialize(toJson(*p)));
}

struct BadCase {
  const char* json;
  const char* field;
};

// Migration 007 upgrades unedited default policies to today's default document; when the default
// changes again, a new migration must carry the new document (and this test moves to it).
TEST(PolicyTest, TheUpgradeMigrationWritesTodaysDefault) {
  std::ifstream in(AISAFE_SOURCE_DIR "/migrations/007_default_adversarial_suffix.up.sql");
  std::stringstream sql;
  sql << in.rdbuf();
  const std::string document = boost::json::serialize(toJson(defaultPolicySpec()));
  EXPECT_NE(sql.str().find("'" + document + "'"), std::string::npos) << document;
}

// A remote detector's missing verdict continues by default; "block" fails closed. The field is
// written only when set, so existing documents (and the default's) do not change.
TEST(PolicyTest, OnDetectorFailureIsOptionalAndKeptOnlyWhenSet) {
  auto p = parse(R"({"name": "t", "detectors": ["semantic"], "on_detector_failure": "block"})");
  ASSERT_TRUE(p.isOk()) << p.status().message();
  EXPECT_TRUE(p->fail_closed);
  EXPECT_EQ(toJson(*p).at("on_detector_failure"), "block");
  auto q = parse(R"({"name": "t", "on_detector_failure": "continue"})");
  ASSERT_TRUE(q.isOk());
  EXPECT_FALSE(q->fail_closed);
  EXPECT_FALSE(toJson(*q).contains("on_detector_failure"));
}

// A guard model's "unsafe" blocks unless the policy lists the category (or the type) itself.
detect::Finding findingOf(std::string category, std::string type) {
  detect::Finding f;
  f.category = std::move(category);
  f.type = std::move(type);
  return f;
}

TEST(PolicyTest, UnsafeContentBlocksUnlessThePolicySaysOtherwise) {
  EXPECT_EQ(defaultPolicySpec().actionFor(findingOf("unsafe_content", "s6")), Action::kBlock);
  auto p = parse(R"({"name": "t", "actions": {"unsafe_content.s6": "flag"}})");
  ASSERT_TRUE(p.isOk()) << p.status().message();
  EXPECT_EQ(p->actionFor(findingOf("unsafe_content", "s6")), Action::kFlag);
  EXPECT_EQ(p->actionFor(findingOf("unsafe_content", "s1")), Action::kBlock);
  EXPECT_EQ(defaultPolicySpec().actionFor(findingOf("pii", "email")), Action::kRedact);
}

TEST(PolicyTest, ClassifierBandsAreOptionalAndChecked) {
  auto p = parse(R"({"name": "t", "thresholds": {"classifier_flag": 0.6, "classifier_block": 0.95}})");
  ASSERT_TRUE(p.isOk()) << p.status().message();
  EXPECT_EQ(p->thresholds.classifier_flag, 0.6);
  EXPECT_EQ(p->thresholds.classifier_block, 0.95);
  EXPECT_EQ(toJson(*p).at("thresholds").at("classifier_flag").as_double(), 0.6);
  EXPECT_EQ(toJson(*p).at("thresholds").at("classifier_block").as_double(), 0.95);
  EXPECT_FALSE(parse(R"({"name": "t", "thresholds": {"classifier_block": 1}})").isOk());
  EXPECT_FALSE(parse(R"({"name": "t", "thresholds": {"classifier_flag": "high"}})").isOk());
  EXPECT_FALSE(parse(R"({"name": "t"})")->thresholds.classifier_flag.has_value());
  EXPECT_FALSE(parse(R"({"name": "t"})")->thresholds.classifier_block.has_value());
}

// Policies saved before the two bands keep their meaning: the classifier blocked on its own from
// the one threshold.
TEST(PolicyTest, TheOldSingleClassifierThresholdSetsBothBands) {
  auto p = parse(R"({"name": "t", "thresholds": {"classifier": 0.8}})");
  ASSERT_TRUE(p.isOk()) << p.status().message();
  EXPECT_EQ(p->thresholds.classifier_flag, 0.8);
  EXPECT_EQ(p->thresholds.classifier_block, 0.8);
  EXPECT_FALSE(parse(R"({"name": "t", "thresholds": {"classifier": 1}})").isOk());
}

TEST(PolicyTest, InvalidPoliciesNameTheField) {
  const BadCase cases[] = {
      {R"({})", "name"},
      {R"({"name": 5})", "name"},
      {R"({"name": "x", "detectors": ["pii", "telepathy"]})", "detectors[1]"},
      {R"({"name": "x", "detectors": "pii"})", "detectors"},
      {R"({"name": "x", "actions": {"pii": "shred"}})", "actions.pii"},
      {R"({"name": "x", "actions": {"weather": "block"}})", "actions.weather"},
      {R"({"name": "x", "thresholds": {"min_score": 1.5}})", "thresholds.min_score"},
      {R"({"name": "x", "thresholds": {"min_severity": "urgent"}})", "thresholds.min_severity"},
      {R"({"name": "x", "thresholds": {"speed": 1}})", "thresholds.speed"},
      {R"({"name": "x", "custom": {"words": []}})", "custom.words"},
      {R"({"name": "x", "log_raw_text": "yes"})", "log_raw_text"},
      {R"({"name": "x", "on_detector_failure": "shrug"})", "on_detector_failure"},
      {R"({"name": "x", "on_detector_failure": true})", "on_detector_failure"},
      {R"({"name": "x", "colour": "blue"})", "colour"},
  };
  for (const auto& c : cases) {
    auto p = parse(c.json);
    ASSERT_FALSE(p.isOk()) << c.json;
    EXPECT_EQ(p.status().code(), StatusCode::kUnprocessable);
    EXPECT_EQ(p.status().message().rfind(c.field, 0), 0u) << p.status().message();
  }
}

}  // namespace
}  // namespace aisafe::policy
