// Canary tokens: format, verification per organization and key, and finding them in answers.
#include "detectors/canary/canary_token.h"

#include <algorithm>
#include <cctype>
#include <string>

#include <gtest/gtest.h>

namespace aisafe::detectors::canary {
namespace {

const CanaryKey& key() {
  static const CanaryKey k("a-test-secret-of-at-least-thirty-two-characters");
  return k;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

TEST(CanaryTokenTest, IsOneLowerCaseWordWithThePrefix) {
  const std::string t = key().make("org_a");
  ASSERT_EQ(t.size(), kTokenLength);
  EXPECT_EQ(t.substr(0, kPrefix.size()), kPrefix);
  for (char c : t) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')) << t;
  EXPECT_NE(key().make("org_a"), t);  // random part
}

TEST(CanaryTokenTest, VerifiesForItsOrganizationOnly) {
  const std::string t = key().make("org_a");
  EXPECT_TRUE(key().verify("org_a", t));
  EXPECT_FALSE(key().verify("org_b", t));
  EXPECT_FALSE(key().verify("", t));
  EXPECT_FALSE(key().verify("org_a ", t));
  // Another SECRET_KEY: nothing it made verifies here, and the fingerprints differ.
  const CanaryKey other("another-secret-of-at-least-thirty-two-characters!");
  EXPECT_FALSE(other.verify("org_a", t));
  EXPECT_NE(other.fingerprint(), key().fingerprint());
  EXPECT_FALSE(key().fingerprint().empty());
}

TEST(CanaryTokenTest, IgnoresCaseOnly) {
  const std::string t = key().make("org_a");
  EXPECT_TRUE(key().verify("org_a", upper(t)));
  std::string mixed = t;
  mixed[0] = 'Z';
  mixed[5] = static_cast<char>(std::toupper(static_cast<unsigned char>(mixed[5])));
  EXPECT_TRUE(key().verify("org_a", mixed));
}

TEST(CanaryTokenTest, TamperedTokensFail) {
  const std::string t = key().make("org_a");
  for (std::size_t i = 0; i < t.size(); ++i) {
    std::string changed = t;
    changed[i] = changed[i] == 'a' ? 'b' : 'a';
    EXPECT_FALSE(key().verify("org_a", changed)) << "position " << i;
  }
  EXPECT_FALSE(key().verify("org_a", t.substr(1)));
  EXPECT_FALSE(key().verify("org_a", t + "a"));
  EXPECT_FALSE(key().verify("org_a", t.substr(0, t.size() - 1)));
  EXPECT_FALSE(key().verify("org_a", ""));
  EXPECT_FALSE(key().verify("org_a", std::string(kTokenLength, 'z')));
  std::string bad_char = t;
  bad_char[10] = '1';  // not in the base32 alphabet
  EXPECT_FALSE(key().verify("org_a", bad_char));
}

TEST(CanaryTokenTest, InstructionCarriesTheToken) {
  const std::string t = key().make("org_a");
  EXPECT_NE(instructionFor(t).find(t), std::string::npos);
}

TEST(FindCanariesTest, ReportsTheSpanOfEachOccurrence) {
  const std::string t = key().make("org_a");
  const std::string text = "Sure. My instructions begin: \"Internal reference: " + upper(t) +
                           ".\" and again (" + t + ")";
  detect::Findings out;
  findCanaries(key(), "org_a", text, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].detector, "canary");
  EXPECT_EQ(out[0].category, "system_prompt_leak");
  EXPECT_EQ(out[0].type, "canary");
  EXPECT_EQ(out[0].severity, detect::Severity::kCritical);
  EXPECT_EQ(upper(text.substr(out[0].start, out[0].end - out[0].start)), upper(t));
  EXPECT_EQ(text.substr(out[1].start, out[1].end - out[1].start), t);
  EXPECT_EQ(out[0].message.find(t), std::string::npos);  // the token is not repeated
}

TEST(FindCanariesTest, OtherOrganizationsAndNearMissesAreNotReported) {
  const std::string t = key().make("org_a");
  detect::Findings out;
  findCanaries(key(), "org_b", "leaked: " + t, out);
  EXPECT_TRUE(out.empty());
  findCanaries(key(), "org_a", "x" + t, out);  // inside a longer word
  findCanaries(key(), "org_a", t + "7", out);
  findCanaries(key(), "org_a", t.substr(0, kTokenLength - 1), out);
  std::string one_off = t;
  one_off[20] = one_off[20] == 'q' ? 'r' : 'q';
  findCanaries(key(), "org_a", one_off, out);
  EXPECT_TRUE(out.empty());
  // Not alphanumerics around it are fine: quotes, punctuation, UTF-8.
  findCanaries(key(), "org_a", "\xC2\xAB" + t + "\xC2\xBB", out);
  EXPECT_EQ(out.size(), 1u);
}

TEST(FindCanariesTest, BoundedOnHostileInput) {
  // Thousands of well-formed fakes: the scan stops at the budget instead of hashing them all.
  std::string text;
  for (std::size_t i = 0; i < kMaxCandidates + 100; ++i) {
    text += "zq" + std::string(kTokenLength - 2, 'a') + " ";
  }
  const std::string t = key().make("org_a");
  detect::Findings out;
  findCanaries(key(), "org_a", t + " " + text, out);
  EXPECT_EQ(out.size(), 1u);
  // The documented limit: a canary after the budget is not checked.
  out.clear();
  findCanaries(key(), "org_a", text + " " + t, out);
  EXPECT_TRUE(out.empty());
  std::string many;
  for (std::size_t i = 0; i < kMaxFindings + 5; ++i) many += t + " ";
  out.clear();
  findCanaries(key(), "org_a", many, out);
  EXPECT_EQ(out.size(), kMaxFindings);
  // Junk and short inputs.
  out.clear();
  for (const std::string& s : {std::string(), std::string("zq"), std::string(1000, 'z'),
                               std::string("\xFF\xFEzq\x00", 5)}) {
    findCanaries(key(), "org_a", s, out);
  }
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace aisafe::detectors::canary
