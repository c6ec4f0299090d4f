// Unit tests for crypto/base62.h: known values, widths that depend only on the length, order.
#include "crypto/base62.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/random.h"

namespace aisafe::crypto {
namespace {

using namespace std::string_literals;

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

}  // namespace
}  // namespace aisafe::crypto
