// Unit tests for crypto/random.h.
#include "crypto/random.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace aisafe::crypto {
namespace {

TEST(RandomBytesTest, ReturnsTheRequestedNumberOfDistinctBytes) {
  EXPECT_EQ(randomBytes(0), "");
  EXPECT_EQ(randomBytes(1).size(), 1u);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(randomBytes(16));
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace aisafe::crypto
