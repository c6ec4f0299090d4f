// Unit tests for core/request_id.h.
#include "core/request_id.h"

#include <string>

#include <gtest/gtest.h>

namespace aisafe {
namespace {

TEST(RequestIdTest, ClientIdsAreChecked) {
  EXPECT_TRUE(isSaneRequestId("abc-123_x.y:z"));
  EXPECT_FALSE(isSaneRequestId(""));
  EXPECT_FALSE(isSaneRequestId("a b"));
  EXPECT_FALSE(isSaneRequestId("x\r\nSet-Cookie: y"));
  EXPECT_FALSE(isSaneRequestId(std::string(129, 'a')));
}

}  // namespace
}  // namespace aisafe
