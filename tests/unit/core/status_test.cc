#include "core/status.h"

#include <gtest/gtest.h>

namespace aisafe {
namespace {

Result<int> half(int x) {
  if (x % 2 != 0) return invalidArgument("odd");
  return x / 2;
}

Result<int> quarter(int x) {
  AISAFE_TRY(int h, half(x));
  AISAFE_TRY(int q, half(h));
  return q;
}

TEST(StatusTest, TryPropagatesTheFirstError) {
  EXPECT_EQ(*quarter(8), 2);
  auto r = quarter(6);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "odd");
}

TEST(StatusTest, OkResultHasOkStatus) {
  auto r = half(4);
  EXPECT_TRUE(r.status().isOk());
}

}  // namespace
}  // namespace aisafe
