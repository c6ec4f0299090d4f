// The pre-filter: which digit runs reach the phone and card checks, and how they are grouped.
#include "detectors/pii/number_spans.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace aisafe::detectors::pii {
namespace {

std::vector<std::string> spansOf(const std::string& text) {
  std::vector<NumberSpan> spans;
  findNumberSpans(text, spans);
  std::vector<std::string> out;
  for (const auto& s : spans) {
    out.push_back(text.substr(s.begin, s.ext_end - s.begin));
  }
  return out;
}

TEST(NumberSpansTest, JoinsWhatPeopleTypeBetweenDigits) {
  EXPECT_EQ(spansOf("call +1 (415) 555-0132 now"), std::vector<std::string>{"+1 (415) 555-0132"});
  EXPECT_EQ(spansOf("Звоните 8 (912) 345-67-89"), std::vector<std::string>{"8 (912) 345-67-89"});
  EXPECT_EQ(spansOf("02.27.96.63.08"), std::vector<std::string>{"02.27.96.63.08"});
  EXPECT_EQ(spansOf("(978)645-9740x11144."), std::vector<std::string>{"(978)645-9740x11144"});
  EXPECT_EQ(spansOf("0800 - 123 456 ext. 12"), std::vector<std::string>{"0800 - 123 456 ext. 12"});
  EXPECT_EQ(spansOf("Card 4111 1111 1111 1111."), std::vector<std::string>{"4111 1111 1111 1111"});
}

TEST(NumberSpansTest, ShortRunsAndOtherPunctuationDoNotJoin) {
  EXPECT_TRUE(spansOf("order 48213, Q3, 1.5, 2.75 and ZIP 90210").empty());
  EXPECT_TRUE(spansOf("at 12:30:45 on 1,234,567").empty());
  EXPECT_EQ(spansOf("a 123456 b"), std::vector<std::string>{"123456"});  // kMinDigits
  // Two spaces, a comma or a slash with spaces end a number.
  EXPECT_EQ(spansOf("0612345678  0698765432, 0611111111 / 0622222222").size(), 4u);
}

TEST(NumberSpansTest, GroupsAndSeparators) {
  std::vector<NumberSpan> spans;
  const std::string text = "+44 (0)20 7946-0958";
  findNumberSpans(text, spans);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_TRUE(spans[0].plus);
  EXPECT_EQ(spans[0].count, 5);
  EXPECT_EQ(spans[0].digits(), 13u);
  EXPECT_EQ(spans[0].separators(), kSpace | kParen | kDash);
}

TEST(NumberSpansTest, TokensSplitNumbersSideBySide) {
  std::vector<NumberSpan> spans;
  const std::string text = "678-777-1600 2813882583";
  findNumberSpans(text, spans);
  ASSERT_EQ(spans.size(), 1u);
  const auto parts = tokens(spans[0]);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(text.substr(parts[0].begin, parts[0].end - parts[0].begin), "678-777-1600");
  EXPECT_EQ(text.substr(parts[1].begin, parts[1].end - parts[1].begin), "2813882583");
  findNumberSpans("612 345 678", spans);
  EXPECT_TRUE(tokens(spans[0]).empty());  // no part is a number alone
}

TEST(NumberSpansTest, TokenEdges) {
  EXPECT_TRUE(startsToken("call 0612345678", 5));
  EXPECT_FALSE(startsToken("AB12345678", 2));
  EXPECT_FALSE(startsToken("v1.2345678", 3));
  EXPECT_FALSE(startsToken("ref-4111", 4));
  EXPECT_TRUE(endsToken("0612345678.", 10));
  EXPECT_FALSE(endsToken("1234567abc", 7));
  EXPECT_FALSE(endsToken("12345678.9", 8));
}

TEST(NumberSpansTest, AnyBytesStayInBounds) {
  std::vector<NumberSpan> spans;
  for (const std::string& text :
       {std::string("+"), std::string("("), std::string("1234567x"), std::string("(123"),
        std::string(100, '9'), std::string("1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9"),
        std::string("\xFF\xFE"
                    "0612345678\xC3")}) {
    findNumberSpans(text, spans);
    for (const auto& s : spans) {
      EXPECT_LE(s.begin, s.end);
      EXPECT_LE(s.end, s.ext_end);
      EXPECT_LE(s.ext_end, text.size());
      EXPECT_LE(s.count, kMaxGroups);
    }
  }
}

}  // namespace
}  // namespace aisafe::detectors::pii
