// Unit tests for crypto/base64.h: RFC 4648 known answers, strict decoding, round trips.
#include "crypto/base64.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace aisafe::crypto {
namespace {

using namespace std::string_literals;

// RFC 4648 section 10.
const std::vector<std::pair<std::string, std::string>> kRfc4648 = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

std::string allBytes() {
  std::string out;
  for (int i = 0; i < 256; ++i) out.push_back(static_cast<char>(i));
  return out;
}

TEST(Base64Test, Rfc4648KnownAnswers) {
  for (const auto& [plain, encoded] : kRfc4648) {
    EXPECT_EQ(base64Encode(plain), encoded);
    EXPECT_EQ(base64Decode(encoded), plain) << encoded;
  }
}

TEST(Base64Test, UsesPlusAndSlash) {
  EXPECT_EQ(base64Encode("\xfb\xff"s), "+/8=");
  EXPECT_EQ(base64Decode("+/8="), "\xfb\xff"s);
}

TEST(Base64Test, DecodeRefusesAnythingButTheCanonicalPaddedForm) {
  for (const char* bad : {"Zg", "Zg=", "Zm8", "Z===", "====", "Zg==Zg==", "Zm9v=Zg=", "Zh==",
                          "Zm9=", "Zm 9v", "Zm9v\n", "-_8=", "Zm9\0"}) {
    EXPECT_EQ(base64Decode(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(base64Decode("Zm9\0"s), std::nullopt);
}

TEST(Base64Test, RoundTripsEveryLength) {
  const std::string bytes = allBytes();
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    const std::string in = bytes.substr(bytes.size() - n);
    EXPECT_EQ(base64Decode(base64Encode(in)), in) << n;
  }
}

TEST(Base64UrlTest, Rfc4648KnownAnswersWithoutPadding) {
  for (const auto& [plain, encoded] : kRfc4648) {
    const std::string unpadded = encoded.substr(0, encoded.find('='));
    EXPECT_EQ(base64UrlEncode(plain), unpadded);
    EXPECT_EQ(base64UrlDecode(unpadded), plain) << unpadded;
  }
}

TEST(Base64UrlTest, UsesMinusAndUnderscore) {
  EXPECT_EQ(base64UrlEncode("\xfb\xff"s), "-_8");
  EXPECT_EQ(base64UrlDecode("-_8"), "\xfb\xff"s);
}

TEST(Base64UrlTest, DecodeRefusesPaddingForeignCharactersAndNonCanonicalBits) {
  for (const char* bad : {"Zg==", "Zg=", "Z", "Zm9vY", "Zh", "Zm9", "+/8", "!!!", "Zm 9v", "Zm9v.",
                          "eyJhbGciOiJIUzI1NiJ9="}) {
    EXPECT_EQ(base64UrlDecode(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(base64UrlDecode("Zm\0v"s), std::nullopt);
  EXPECT_EQ(base64UrlDecode("\xc3\xa9Zm"s), std::nullopt);
}

TEST(Base64UrlTest, RoundTripsEveryLength) {
  const std::string bytes = allBytes();
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    const std::string in = bytes.substr(0, n);
    EXPECT_EQ(base64UrlDecode(base64UrlEncode(in)), in) << n;
  }
}

}  // namespace
}  // namespace aisafe::crypto
