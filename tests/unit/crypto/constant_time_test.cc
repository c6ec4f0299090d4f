// Unit tests for crypto/constant_time.h.
#include "crypto/constant_time.h"

#include <string>

#include <gtest/gtest.h>

namespace aisafe::crypto {
namespace {

using namespace std::string_literals;

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

}  // namespace
}  // namespace aisafe::crypto
