// Unit tests for core/hex.h.
#include "core/hex.h"

#include <string_view>

#include <gtest/gtest.h>

namespace aisafe::hex {
namespace {

TEST(HexTest, TwoLowerCaseDigitsPerByteHighNibbleFirst) {
  EXPECT_EQ(hex::encode(std::string_view("\x00\x0f\xf0\xff\x5a", 5)), "000ff0ff5a");
  EXPECT_EQ(hex::encode(std::string_view()), "");
}

}  // namespace
}  // namespace aisafe::hex
