// The pii detector's phone and card numbers through the public seams: the finder with and
// without libphonenumber, context words, the configured regions, the per-text budget, and
// offsets into the text as sent.
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "detect/pipeline.h"
#include "detect/registry.h"
#include "detectors/pii/number_context.h"
#include "detectors/pii/number_finder.h"
#include "detectors/pii/phone_library.h"
#include "detectors/pii/phone_shape.h"
#include "pii_data.h"

namespace aisafe::detectors::pii {
namespace {

const PhoneLibrary& defaultLibrary() {
  static const auto lib = PhoneLibrary::create({});
  EXPECT_TRUE(lib.isOk()) << lib.status().message();
  return **lib;
}

// (kind, text, score) of each finding.
struct Found {
  NumberKind kind;
  std::string text;
  double score;
};

std::vector<Found> find(const std::string& text, const PhoneLibrary* library) {
  std::vector<NumberFinding> out;
  findNumbers(text, library, out);
  std::vector<Found> found;
  for (const auto& f : out) {
    found.push_back({f.kind, text.substr(f.begin, f.end - f.begin), f.score});
  }
  return found;
}

TEST(PhoneContextTest, APhoneWordRaisesAShortNumberOverTheLine) {
  // Without a phone word, two groups of four are a guess (0.3): not reported.
  EXPECT_TRUE(find("room 9885 1152", nullptr).empty());
  for (const std::string word : {"call", "Tel.", "phone:", "fax", "mobile", "Telefon",
                                 "t\xC3\xA9l\xC3\xA9phone", "m\xC3\xB3vil", "Handy", "WhatsApp"}) {
    const auto found = find(word + " 9885 1152", nullptr);
    ASSERT_EQ(found.size(), 1u) << word;
    EXPECT_EQ(found[0].text, "9885 1152");
    EXPECT_NEAR(found[0].score, shapeScore(PhoneShape::kAmbiguous) + kContextBoost, 1e-9);
  }
  // After the number, as lists write it.
  EXPECT_EQ(find("9885 1152 office", nullptr).size(), 1u);
  EXPECT_EQ(find("9885 1152-Office", nullptr).size(), 1u);
  // Beyond the window (kContextWordsBefore words) the word no longer counts.
  EXPECT_TRUE(find("call me later today because the 9885 1152", nullptr).empty());
}

TEST(PhoneContextTest, ACardWordRaisesAShortCard) {
  EXPECT_TRUE(find("4222222222222", nullptr).empty());  // 13 digits: any number
  for (const std::string word : {"visa", "card", "Karte", "tarjeta", "carte", "cc #"}) {
    const auto found = find(word + " 4222222222222", nullptr);
    ASSERT_EQ(found.size(), 1u) << word;
    EXPECT_EQ(found[0].kind, NumberKind::kCard);
  }
}

TEST(PhoneContextTest, OrderWordsCurrenciesAndUnitsLowerIt) {
  const auto ctx = [](const std::string& text) {
    const auto at = text.find_first_of("0123456789");
    auto end = at;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    return readContext(text, at, end);
  };
  EXPECT_TRUE(ctx("order no. 1234567").not_pii);
  EXPECT_TRUE(ctx("Rechnungsnummer 1234567").not_pii);
  EXPECT_TRUE(ctx("#1234567").not_pii);
  EXPECT_TRUE(ctx("\xE2\x82\xAC 1234567").not_pii);
  EXPECT_TRUE(ctx("1234567 users").not_pii);
  EXPECT_TRUE(ctx("1234567%").not_pii);
  EXPECT_FALSE(ctx("order it today and call 1234567").not_pii);  // "order" is 4 words back
  EXPECT_TRUE(ctx("order it today and call 1234567").phone);
  // A phone word does not rescue a number an order word names.
  EXPECT_TRUE(find("order call 785 8949", nullptr).empty());
}

TEST(PhoneLibraryTest, RegionsDecideNationalNumbers) {
  auto us_only = PhoneLibrary::create({"us"});
  ASSERT_TRUE(us_only.isOk()) << us_only.status().message();
  EXPECT_EQ((*us_only)->regions(), std::vector<std::string>{"US"});
  int budget = 10;
  EXPECT_FALSE((*us_only)->findValid("612 345 678", budget).has_value());  // Spanish
  const auto us = (*us_only)->findValid("4155550132", budget);
  ASSERT_TRUE(us.has_value());
  EXPECT_EQ(us->region, "US");
  EXPECT_EQ(us->begin, 0u);
  EXPECT_EQ(us->end, 10u);
  budget = 1000;
  const auto es = defaultLibrary().findValid("612 345 678", budget);
  ASSERT_TRUE(es.has_value());
  EXPECT_EQ(es->region, "ES");
  // A country code without its '+': the span is the number as written.
  budget = 1000;
  const auto gb = defaultLibrary().findValid("44 20 7946 0958", budget);
  ASSERT_TRUE(gb.has_value());
  EXPECT_EQ(gb->region, "GB");
  EXPECT_EQ(gb->begin, 0u);
  EXPECT_EQ(gb->end, 15u);
}

TEST(PhoneLibraryTest, UnknownRegionsStopTheStart) {
  auto bad = PhoneLibrary::create({"US", "XX", "ZQ"});
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.status().message().find("PII_PHONE_REGIONS"), std::string::npos);
  EXPECT_NE(bad.status().message().find("XX, ZQ"), std::string::npos);
  auto registry = detect::Registry::builtins(detect::RuleSource(""), "", nullptr, {"XX"});
  EXPECT_FALSE(registry.isOk());
}

TEST(PhoneLibraryTest, TheBudgetBoundsTheCalls) {
  int budget = 0;
  EXPECT_FALSE(defaultLibrary().findValid("4155550132", budget).has_value());
  EXPECT_EQ(budget, 0);
  // Enough to find it valid, not to confirm it with the matcher: no answer.
  budget = PhoneLibrary::kCheckCost;
  EXPECT_FALSE(defaultLibrary().findValid("4155550132", budget).has_value());
  budget = PhoneLibrary::kCheckCost + PhoneLibrary::kMatcherCost;
  EXPECT_TRUE(defaultLibrary().findValid("4155550132", budget).has_value());
  EXPECT_EQ(budget, 0);
  budget = 1000;
  EXPECT_FALSE(defaultLibrary().findValid("1000000000", budget).has_value());  // valid nowhere
  EXPECT_GT(budget, 950);  // a check per region it could belong to, no matcher call
}

TEST(PhoneLibraryTest, RegionsOfEveryKindOfNationalFormat) {
  for (const auto& [number, region] : std::vector<std::pair<std::string, std::string>>{
           {"0701234567", "SE"},         // trunk 0
           {"02 1234 5678", "IT"},       // the leading 0 belongs to the number
           {"011 15-2345-6789", "AR"},   // mobile "15" that the national format moves
           {"8 (912) 345-67-89", "RU"},  // trunk 8
           {"06 20 123 4567", "HU"},     // trunk 06
           {"(11) 96123-4567", "BR"},    // area code in parentheses
           {"222 123 4567", "MX"}}) {    // trunk 01 no longer written
    auto lib = PhoneLibrary::create({region});
    ASSERT_TRUE(lib.isOk());
    int budget = 1000;
    const auto v = (*lib)->findValid(number, budget);
    ASSERT_TRUE(v.has_value()) << number;
    EXPECT_EQ(v->region, region) << number;
  }
  // With every default region the first one that takes the number answers (many numbers are
  // valid in more than one: this one in Serbia too).
  int budget = 1000;
  EXPECT_TRUE(defaultLibrary().findValid("011 15-2345-6789", budget).has_value());
}

TEST(PhoneLibraryTest, ATextFullOfNumbersCostsAtMostTheBudget) {
  // 60 ambiguous numbers, each alone on a line: the first ones are asked about (a check and a
  // matcher call each), the rest are judged without the library.
  std::string text;
  for (int i = 0; i < 60; ++i) {
    text += "Tom " + std::to_string(4155550100 + i) +
            " is what Tom gave us, on a line long enough to stand alone.\n";
  }
  const auto found = find(text, &defaultLibrary());
  const int per_number = PhoneLibrary::kCheckCost + PhoneLibrary::kMatcherCost;
  EXPECT_EQ(found.size(), static_cast<std::size_t>(kLibraryBudgetPerText / per_number));
  // Without the library only written shapes and words count: nothing here.
  EXPECT_TRUE(find(text, nullptr).empty());
}

TEST(PiiDetectorTest, OffsetsPointIntoTheTextAsSent) {
  // Full-width digits and a zero-width space inside the number.
  const std::string text =
      "call \xEF\xBC\x90\xEF\xBC\x96\xEF\xBC\x91\xEF\xBC\x92 \xE2\x80\x8B"
      "345 678";
  const auto findings = pii_test::scanPii(text);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].type, "phone");
  EXPECT_EQ(findings[0].start, 5u);
  EXPECT_EQ(findings[0].end, text.size());
  EXPECT_EQ(findings[0].redact_as, "PHONE");
  EXPECT_EQ(findings[0].category, "pii");
}

TEST(PiiDetectorTest, FindingsKeepTheShapePoliciesKnow) {
  const auto findings = pii_test::scanPii("Tom 4155550132, card 4111 1111 1111 1111");
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].rule_id, "pii.phone.valid");
  EXPECT_EQ(findings[0].severity, detect::Severity::kMedium);
  EXPECT_NE(findings[0].message.find("US"), std::string::npos);
  EXPECT_EQ(findings[1].type, "credit_card");
  EXPECT_EQ(findings[1].rule_id, "pii.credit_card.visa");
  EXPECT_EQ(findings[1].severity, detect::Severity::kHigh);
  EXPECT_EQ(findings[1].redact_as, "CREDIT_CARD");
  EXPECT_GE(findings[1].score, kReportScore);
}

TEST(PiiDetectorTest, RegionsChangeTheRegistryFingerprint) {
  auto a = detect::Registry::builtins(detect::RuleSource(""));
  auto b = detect::Registry::builtins(detect::RuleSource(""), "", nullptr, {"ES"});
  ASSERT_TRUE(a.isOk() && b.isOk());
  EXPECT_NE((*a)->fingerprint(), (*b)->fingerprint());
}

}  // namespace
}  // namespace aisafe::detectors::pii
