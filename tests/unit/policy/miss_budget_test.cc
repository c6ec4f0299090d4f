#include "policy/miss_budget.h"

#include <gtest/gtest.h>

namespace aisafe::policy {
namespace {

class MissBudgetTest : public ::testing::Test {
 protected:
  std::int64_t now_ms_ = 1'000'000;
  MissBudget budget_{3, [this] { return now_ms_; }};
};

TEST_F(MissBudgetTest, AnOrganizationPastItsMissesIsAnsweredWithoutAQuery) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(budget_.exhausted("org_a"));
    budget_.charge("org_a");
  }
  EXPECT_TRUE(budget_.exhausted("org_a"));
  EXPECT_FALSE(budget_.exhausted("org_b"));  // one organization's misses are not another's
}

TEST_F(MissBudgetTest, TheBudgetComesBackTheNextSecond) {
  for (int i = 0; i < 3; ++i) {
    budget_.charge("org_a");
  }
  ASSERT_TRUE(budget_.exhausted("org_a"));
  now_ms_ += 1000;
  EXPECT_FALSE(budget_.exhausted("org_a"));
}

TEST_F(MissBudgetTest, ManyOrganizationsDoNotGrowItWithoutBound) {
  for (std::size_t i = 0; i < 3 * MissBudget::kMaxOrganizations; ++i) {
    budget_.charge("org_" + std::to_string(i));
  }
  // Still answers, and a fresh organization still has its whole budget.
  EXPECT_FALSE(budget_.exhausted("org_new"));
}

}  // namespace
}  // namespace aisafe::policy
