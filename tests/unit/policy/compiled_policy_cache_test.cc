#include "policy/compiled_policy_cache.h"

#include <gtest/gtest.h>

namespace aisafe::policy {
namespace {

std::shared_ptr<const CompiledPolicy> policy(const std::string& id, int version) {
  auto p = std::make_shared<CompiledPolicy>();
  p->id = id;
  p->version = version;
  return p;
}

TEST(CompiledPolicyCacheTest, AnswersOnlyTheOrganizationThatOwnsThePolicy) {
  CompiledPolicyCache cache(10);
  cache.install("org_a", policy("pol_1", 1));
  ASSERT_NE(cache.find("org_a", "pol_1"), nullptr);
  EXPECT_EQ(cache.find("org_b", "pol_1"), nullptr);
  EXPECT_EQ(cache.find("org_a", "pol_2"), nullptr);
}

TEST(CompiledPolicyCacheTest, NeverGoesBackToAnOlderVersion) {
  CompiledPolicyCache cache(10);
  cache.install("org_a", policy("pol_1", 3));
  cache.install("org_a", policy("pol_1", 2));  // a slow read-through finishing late
  EXPECT_EQ(cache.find("org_a", "pol_1")->version, 3);
  EXPECT_EQ(cache.version("pol_1"), 3);
  cache.install("org_a", policy("pol_1", 4));
  EXPECT_EQ(cache.find("org_a", "pol_1")->version, 4);
}

TEST(CompiledPolicyCacheTest, StaysWithinItsCapacityAndKeepsWhatIsUsed) {
  CompiledPolicyCache cache(100);
  cache.install("org", policy("hot", 1));
  for (int i = 0; i < 1000; ++i) {
    cache.install("org", policy("pol_" + std::to_string(i), 1));
    ASSERT_NE(cache.find("org", "hot"), nullptr) << "evicted after " << i << " installs";
    ASSERT_LE(cache.size(), 100u);
  }
  EXPECT_GE(cache.evictions(), 900u);
  // The most recent installs are still there; the oldest unused are gone.
  EXPECT_NE(cache.find("org", "pol_999"), nullptr);
  EXPECT_EQ(cache.find("org", "pol_0"), nullptr);
}

TEST(CompiledPolicyCacheTest, EraseForgetsAPolicy) {
  CompiledPolicyCache cache(10);
  cache.install("org", policy("pol_1", 1));
  cache.erase("pol_1");
  EXPECT_EQ(cache.find("org", "pol_1"), nullptr);
  EXPECT_FALSE(cache.version("pol_1").has_value());
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace aisafe::policy
