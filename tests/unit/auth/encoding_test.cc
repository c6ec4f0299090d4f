// Unit tests for auth/encoding.h: RFC 4648 known answers, strict decoding, base62 widths and
// ordering, constant-time comparison and CSPRNG bytes.
#include "auth/encoding.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace aisafe::auth {
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

TEST(Base62Test, KnownValues) {
  EXPECT_EQ(base62Encode(""), "");
  EXPECT_EQ(base62Encode("\x3e"), "10");  // 62
  EXPECT_EQ(base62Encode("\xff"), "47");  // 4 * 62 + 7
  EXPECT_EQ(base62Encode("\x01\x00"s), "048");
  EXPECT_EQ(base62Encode("\xff\xff\xff\xff"), "4gfFC3");
  EXPECT_EQ(base62Encode(std::string(32, '\xff')), "yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp1");
  EXPECT_EQ(base62Encode(std::string(32, '\0')), std::string(43, '0'));
}

TEST(Base62Test, WidthDependsOnlyOnInputLength) {
  const std::vector<std::pair<std::size_t, std::size_t>> widths = {{1, 2},   {2, 3},   {4, 6},
                                                                   {16, 22}, {32, 43}, {64, 86}};
  for (const auto& [bytes, chars] : widths) {
    EXPECT_EQ(base62Encode(std::string(bytes, '\0')).size(), chars) << bytes;
    EXPECT_EQ(base62Encode(std::string(bytes, '\xff')).size(), chars) << bytes;
    EXPECT_EQ(base62Encode(randomBytes(bytes)).size(), chars) << bytes;
  }
}

TEST(Base62Test, PreservesOrderForEqualLengths) {
  // The alphabet is in ASCII order, so sorting encodings sorts the numbers.
  EXPECT_LT(base62Encode("\x00\x01"s), base62Encode("\x00\x02"s));
  EXPECT_LT(base62Encode("\x00\xff"s), base62Encode("\x01\x00"s));
  EXPECT_LT(base62Encode("\x7f\xff"s), base62Encode("\x80\x00"s));
}

TEST(Base62Test, OnlyAlphanumeric) {
  for (int i = 0; i < 50; ++i) {
    for (char c : base62Encode(randomBytes(32))) {
      EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
    }
  }
}

TEST(ConstantTimeEqualsTest, ComparesBytes) {
  EXPECT_TRUE(constantTimeEquals("", ""));
  EXPECT_TRUE(constantTimeEquals("secret", "secret"));
  EXPECT_TRUE(constantTimeEquals("a\0b"s, "a\0b"s));
  EXPECT_FALSE(constantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(constantTimeEquals("a\0b"s, "a\0c"s));
  EXPECT_FALSE(constantTimeEquals("secret", "secret2"));
  EXPECT_FALSE(constantTimeEquals("secret2", "secret"));
  EXPECT_FALSE(constantTimeEquals("", "x"));
  EXPECT_FALSE(constantTimeEquals("x", ""));
}

TEST(RandomBytesTest, ReturnsTheRequestedNumberOfDistinctBytes) {
  EXPECT_EQ(randomBytes(0), "");
  EXPECT_EQ(randomBytes(1).size(), 1u);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(randomBytes(16));
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace aisafe::auth
