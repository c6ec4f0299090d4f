// Card numbers: issuer ranges and lengths, Luhn, and how card numbers are written.
#include "detectors/pii/card_number.h"

#include <string>

#include <gtest/gtest.h>

namespace aisafe::detectors::pii {
namespace {

std::string issuerOf(const std::string& digits) {
  const CardIssuer* issuer = findIssuer(digits);
  return issuer == nullptr ? "" : std::string(issuer->name);
}

TEST(CardNumberTest, IssuersAndTheLengthsTheyIssue) {
  EXPECT_EQ(issuerOf("4222222222222"), "Visa");        // 13
  EXPECT_EQ(issuerOf("4111111111111111"), "Visa");     // 16
  EXPECT_EQ(issuerOf("4111111111111111110"), "Visa");  // 19
  EXPECT_EQ(issuerOf("41111111111111111"), "");        // Visa issues no 17-digit numbers
  EXPECT_EQ(issuerOf("5555555555554444"), "Mastercard");
  EXPECT_EQ(issuerOf("2221000000000009"), "Mastercard");
  EXPECT_EQ(issuerOf("2721000000000004"), "");  // past the 2-series
  EXPECT_EQ(issuerOf("378282246310005"), "American Express");
  EXPECT_EQ(issuerOf("3782822463100050"), "");  // Amex is 15 digits only
  EXPECT_EQ(issuerOf("6011111111111117"), "Discover");
  EXPECT_EQ(issuerOf("30569309025904"), "Diners Club");
  EXPECT_EQ(issuerOf("3530111333300000"), "JCB");
  EXPECT_EQ(issuerOf("6200000000000005"), "UnionPay");
  EXPECT_EQ(issuerOf("6759649826438453"), "Maestro");
  EXPECT_EQ(issuerOf("501800000009"), "Maestro");  // 12 digits
  EXPECT_EQ(issuerOf("2200000000000004"), "Mir");
  EXPECT_EQ(issuerOf("1234567890123456"), "");
  EXPECT_EQ(issuerOf("99999999999"), "");  // too short for any
}

TEST(CardNumberTest, Luhn) {
  EXPECT_TRUE(luhnValid("4111111111111111"));
  EXPECT_FALSE(luhnValid("4111111111111112"));
  EXPECT_TRUE(luhnValid("6304000000000000000"));
  EXPECT_FALSE(luhnValid(""));
}

std::string cardIn(const std::string& text) {
  std::vector<NumberSpan> spans;
  findNumberSpans(text, spans);
  for (const auto& s : spans) {
    if (auto card = findCard(text, s)) {
      return text.substr(card->begin, card->end - card->begin);
    }
  }
  return "";
}

TEST(CardNumberTest, WrittenAsCardsAre) {
  EXPECT_EQ(cardIn("4111 1111 1111 1111"), "4111 1111 1111 1111");
  EXPECT_EQ(cardIn("4111-1111-1111-1111"), "4111-1111-1111-1111");
  EXPECT_EQ(cardIn("3782 822463 10005"), "3782 822463 10005");  // Amex 4-6-5
  EXPECT_EQ(cardIn("3056 930902 5904"), "3056 930902 5904");    // Diners 4-6-4
  EXPECT_EQ(cardIn("6304 0000 0000 0000 000"), "6304 0000 0000 0000 000");
  EXPECT_EQ(cardIn("41 11 11 11 11 11 11 11"), "");  // not a card grouping
  EXPECT_EQ(cardIn("4111 1111-1111 1111"), "");      // mixed separators
  EXPECT_EQ(cardIn("4111.1111.1111.1111"), "");      // dots: not a card's
  EXPECT_EQ(cardIn("id-4111111111111111"), "");      // part of a longer token
  EXPECT_EQ(cardIn("4111111111111111abc"), "");
  EXPECT_EQ(cardIn("0612 4111 1111 1111 1111"), "4111 1111 1111 1111");  // after a space
  EXPECT_EQ(cardIn("4111 1111 1111 1111 12/27"), "4111 1111 1111 1111");
}

}  // namespace
}  // namespace aisafe::detectors::pii
