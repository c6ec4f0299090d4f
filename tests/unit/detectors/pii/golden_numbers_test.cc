// The golden cases of the pii detector's phone and card numbers: one JSON line per case in
// tests/testdata/detectors/pii/numbers.jsonl, {"text", "phone"?: [...], "credit_card"?: [...],
// "why"}. The listed strings must be exactly the phone and card findings of the text (none
// when a list is absent). Adding a case needs no C++.
#include <algorithm>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "pii_data.h"

namespace aisafe::detectors::pii_test {
namespace {

struct GoldenCase {
  std::string text;
  std::vector<std::string> phone;
  std::vector<std::string> credit_card;
  std::string why;
};

std::vector<GoldenCase> goldenCases() {
  std::vector<GoldenCase> cases;
  std::ifstream in(AISAFE_SOURCE_DIR "/tests/testdata/detectors/pii/numbers.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    const auto obj = boost::json::parse(line).as_object();
    GoldenCase c;
    c.text = std::string(obj.at("text").as_string());
    for (const char* key : {"phone", "credit_card"}) {
      if (const auto* list = obj.if_contains(key)) {
        for (const auto& v : list->as_array()) {
          (std::string(key) == "phone" ? c.phone : c.credit_card)
              .emplace_back(std::string(v.as_string()));
        }
      }
    }
    c.why = std::string(obj.at("why").as_string());
    cases.push_back(std::move(c));
  }
  return cases;
}

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.text; }

class GoldenNumbersTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenNumbersTest, FindsExactlyTheListedNumbers) {
  const GoldenCase& c = GetParam();
  std::vector<std::string> phone;
  std::vector<std::string> card;
  for (const auto& f : scanPii(c.text)) {
    const std::string span = c.text.substr(f.start, f.end - f.start);
    if (f.type == "phone") {
      phone.push_back(span);
    } else if (f.type == "credit_card") {
      card.push_back(span);
    }
  }
  EXPECT_EQ(phone, c.phone) << "text: " << c.text << "\nwhy: " << c.why;
  EXPECT_EQ(card, c.credit_card) << "text: " << c.text << "\nwhy: " << c.why;
}

INSTANTIATE_TEST_SUITE_P(Numbers, GoldenNumbersTest, ::testing::ValuesIn(goldenCases()));

TEST(GoldenNumbersFileTest, HasCases) { EXPECT_GT(goldenCases().size(), 100u); }

}  // namespace
}  // namespace aisafe::detectors::pii_test
