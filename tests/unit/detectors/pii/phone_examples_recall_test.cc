// Recall on phone numbers generated from libphonenumber's own example numbers: for every
// default region, its example MOBILE and FIXED_LINE numbers written five ways (E.164,
// international, national, digits only, and inside a short sentence). What the detector finds
// with the default regions must be at least 95% of them, for each way of writing.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "detectors/pii/phone_library.h"
#include "pii_data.h"

namespace aisafe::detectors::pii_test {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

struct Written {
  std::string way;  // "e164", "international", "national", "digits", "sentence"
  std::string text;
  std::size_t begin;  // the number in `text`
  std::size_t end;
};

std::string digitsOf(const std::string& s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d.push_back(c);
  }
  return d;
}

// Sentences with and without a phone word, in several languages; {} is the number.
const std::vector<std::string>& templates() {
  static const std::vector<std::string> kTemplates = {
      "Lisa: {}",
      "Tom {}",
      "You can reach me at {} after six.",
      "Meine Nummer ist {}.",
      "Ll\xC3\xA1mame al {} esta tarde.",
      "Appelez-moi au {} demain.",
      "My number is {}, thanks!",
      "Ring {} for the front desk.",
  };
  return kTemplates;
}

Written inSentence(const std::string& number, std::size_t i) {
  const std::string& t = templates()[i % templates().size()];
  const std::size_t at = t.find("{}");
  return {"sentence", t.substr(0, at) + number + t.substr(at + 2), at, at + number.size()};
}

std::vector<Written> generated() {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::vector<Written> out;
  std::size_t n = 0;
  for (const std::string& region : pii::defaultPhoneRegions()) {
    for (auto type : {PhoneNumberUtil::MOBILE, PhoneNumberUtil::FIXED_LINE}) {
      PhoneNumber number;
      if (!util.GetExampleNumberForType(region, type, &number)) {
        continue;
      }
      std::string e164, international, national;
      util.Format(number, PhoneNumberUtil::E164, &e164);
      util.Format(number, PhoneNumberUtil::INTERNATIONAL, &international);
      util.Format(number, PhoneNumberUtil::NATIONAL, &national);
      const std::string digits = digitsOf(national);
      out.push_back({"e164", e164, 0, e164.size()});
      out.push_back({"international", international, 0, international.size()});
      out.push_back({"national", national, 0, national.size()});
      out.push_back({"digits", digits, 0, digits.size()});
      // Sentences take the national form and the international one by turns.
      out.push_back(inSentence(n % 2 == 0 ? national : international, n));
      ++n;
    }
  }
  return out;
}

TEST(PhoneExamplesRecallTest, AtLeast95PercentForEveryWayOfWriting) {
  const auto cases = generated();
  ASSERT_GE(cases.size(), 40u * 2 * 5);              // at least 40 regions, two types, five ways
  std::map<std::string, std::pair<int, int>> tally;  // way -> (found, total)
  std::string misses;
  for (const auto& c : cases) {
    bool found = false;
    for (const auto& f : scanPii(c.text)) {
      found = found || (f.type == "phone" && f.start < c.end && c.begin < f.end);
    }
    auto& [hit, total] = tally[c.way];
    ++total;
    hit += found ? 1 : 0;
    if (!found) {
      misses += "  " + c.way + ": " + c.text + "\n";
    }
  }
  int all_hit = 0;
  int all = 0;
  for (const auto& [way, counts] : tally) {
    const double recall = static_cast<double>(counts.first) / counts.second;
    std::printf("libphonenumber examples %-14s %4d / %4d  recall %.3f\n", way.c_str(), counts.first,
                counts.second, recall);
    EXPECT_GE(recall, 0.95) << way;
    all_hit += counts.first;
    all += counts.second;
  }
  std::printf("libphonenumber examples all            %4d / %4d  recall %.3f\n", all_hit, all,
              static_cast<double>(all_hit) / all);
  if (std::getenv("PII_SHOW_MISSES") != nullptr) {
    std::printf("misses:\n%s", misses.c_str());
  }
}

}  // namespace
}  // namespace aisafe::detectors::pii_test
