#include "policy/policy_service.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "storage/migrator.h"
#include "support/temp_dir.h"

namespace aisafe::policy {
namespace {

class PolicyServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::Database::open("sqlite://" + dir_.path() + "/p.db", 2);
    ASSERT_TRUE(db.isOk());
    db_ = std::move(db).value();
    storage::Migrator m(*db_);
    ASSERT_TRUE(m.up().isOk());
    repo_ = std::make_unique<storage::PolicyRepository>(*db_);
    registry_ = *detect::Registry::builtins(detect::RuleSource(""));
    service_ = std::make_unique<PolicyService>(*repo_, registry_);
    ASSERT_TRUE(service_->warmUp("default").isOk());
  }

  testsupport::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::PolicyRepository> repo_;
  std::shared_ptr<const detect::Registry> registry_;
  std::unique_ptr<PolicyService> service_;
};

TEST_F(PolicyServiceTest, DefaultPolicyIsCompiledAtStart) {
  auto c = service_->compiled("default", "");
  ASSERT_TRUE(c.isOk());
  EXPECT_EQ((*c)->id, "default");
  EXPECT_GT((*c)->pipeline->patternCount(), 20u);
}

TEST_F(PolicyServiceTest, UpdatesSwapThePipelineAndKeepOldOnesAlive) {
  auto created = service_->create(
      "default", boost::json::parse(R"({"name":"kw","custom":{"keywords":["zebra"]}})"));
  ASSERT_TRUE(created.isOk()) << created.status().message();
  auto v1 = *service_->compiled("default", created->id);
  auto updated =
      service_->update("default", created->id,
                       boost::json::parse(R"({"name":"kw","custom":{"keywords":["lion"]}})"));
  ASSERT_TRUE(updated.isOk());
  EXPECT_EQ(updated->version, 2);
  auto v2 = *service_->compiled("default", created->id);
  EXPECT_EQ(v2->version, 2);
  EXPECT_EQ(v1->version, 1);  // a request holding v1 still has a working pipeline
  detect::ScanScratch scratch;
  detect::Findings f1, f2;
  ASSERT_TRUE(v1->pipeline->scan("a zebra", detect::Surface::kInput, scratch, f1).isOk());
  ASSERT_TRUE(v2->pipeline->scan("a zebra", detect::Surface::kInput, scratch, f2).isOk());
  EXPECT_EQ(f1.size(), 1u);
  EXPECT_TRUE(f2.empty());
}

TEST_F(PolicyServiceTest, InvalidPoliciesAreNeverStored) {
  auto bad = service_->create("default",
                              boost::json::parse(R"({"name":"x","custom":{"regexes":["(a"]}})"));
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), StatusCode::kUnprocessable);
  EXPECT_EQ(service_->list("default")->size(), 1u);
}

TEST_F(PolicyServiceTest, DefaultCannotBeDeleted) {
  EXPECT_EQ(service_->remove("default", "default").code(), StatusCode::kConflict);
}

TEST_F(PolicyServiceTest, APolicyMadeOnAnotherReplicaIsReadThroughAtFirstUse) {
  PolicyService other(*repo_, registry_);  // a second replica on the same database
  ASSERT_TRUE(other.warmUp("default").isOk());
  auto created = other.create("default", boost::json::parse(R"({"name":"elsewhere"})"));
  ASSERT_TRUE(created.isOk());
  auto found = service_->compiled("default", created->id);  // not announced here yet
  ASSERT_TRUE(found.isOk()) << found.status().message();
  EXPECT_EQ((*found)->version, 1);
  // Never across organizations: the read is by organization and id.
  EXPECT_EQ(service_->compiled("org_other", created->id).status().code(), StatusCode::kNotFound);
}

TEST_F(PolicyServiceTest, RefreshPicksUpChangesFromAnotherReplica) {
  PolicyService other(*repo_, registry_);
  ASSERT_TRUE(other.warmUp("default").isOk());
  auto created = other.create("default", boost::json::parse(R"({"name":"elsewhere"})"));
  ASSERT_TRUE(created.isOk());
  ASSERT_TRUE(service_->compiled("default", created->id).isOk());
  ASSERT_TRUE(other
                  .update("default", created->id,
                          boost::json::parse(R"({"name":"elsewhere","custom":{"keywords":["x"]}})"))
                  .isOk());
  EXPECT_EQ((*service_->compiled("default", created->id))->version, 1);  // not heard of it yet
  auto n = service_->refresh();
  ASSERT_TRUE(n.isOk());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ((*service_->compiled("default", created->id))->version, 2);
  ASSERT_TRUE(other.remove("default", created->id).isOk());
  ASSERT_TRUE(service_->refresh().isOk());
  EXPECT_FALSE(service_->compiled("default", created->id).isOk());
}

TEST_F(PolicyServiceTest, OnlyTheDefaultPolicyIsCompiledAtStart) {
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    auto created = service_->create(
        "default", boost::json::parse(R"({"name":"p)" + std::to_string(i) +
                                      R"(","detectors":["invisible_text"]})"));
    ASSERT_TRUE(created.isOk()) << created.status().message();
    ids.push_back(created->id);
  }
  PolicyService restarted(*repo_, registry_);
  ASSERT_TRUE(restarted.warmUp("default").isOk());
  EXPECT_EQ(restarted.stats().size, 1u);  // the default organization's default, nothing else
  for (const auto& id : ids) {
    ASSERT_TRUE(restarted.compiled("default", id).isOk()) << id;
  }
  EXPECT_EQ(restarted.stats().loads, 20u);
  EXPECT_EQ(restarted.stats().size, 21u);
}

// The read-through used to be limited to 50 reads a second whether they found the policy or not:
// right after a restart, the 51st distinct policy used within a second answered 404.
TEST_F(PolicyServiceTest, ABurstOfKnownPoliciesAfterARestartIsServedInFull) {
  std::vector<std::string> ids;
  // One cheap detector each: 240 compiles of the default rule set cost minutes under ASan, and
  // what is tested here is the read-through, not the rules.
  for (int i = 0; i < 120; ++i) {
    auto created = service_->create(
        "default", boost::json::parse(R"({"name":"p)" + std::to_string(i) +
                                      R"(","detectors":["invisible_text"]})"));
    ASSERT_TRUE(created.isOk()) << created.status().message();
    ids.push_back(created->id);
  }
  PolicyService restarted(*repo_, registry_, PolicyServiceOptions{.misses_per_second = 1});
  ASSERT_TRUE(restarted.warmUp("default").isOk());
  int served = 0;
  for (const auto& id : ids) {
    served += restarted.compiled("default", id).isOk() ? 1 : 0;
  }
  EXPECT_EQ(served, 120);
  EXPECT_EQ(restarted.stats().refused, 0u);
}

TEST_F(PolicyServiceTest, UnknownIdsPastTheOrganizationsBudgetCostNoQuery) {
  auto elsewhere = service_->create("org_other", boost::json::parse(R"({"name":"theirs"})"));
  ASSERT_TRUE(elsewhere.isOk());
  PolicyService restarted(*repo_, registry_, PolicyServiceOptions{.misses_per_second = 1});
  ASSERT_TRUE(restarted.warmUp("default").isOk());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(restarted.compiled("default", "pol_unknown" + std::to_string(i)).status().code(),
              StatusCode::kNotFound);
  }
  // Three misses in a few milliseconds: one second boundary at most, so one was refused.
  EXPECT_GE(restarted.stats().refused, 1u);
  EXPECT_EQ(restarted.stats().not_found + restarted.stats().refused, 3u);
  // Another organization's known policy is served all the same.
  EXPECT_TRUE(restarted.compiled("org_other", elsewhere->id).isOk());
}

TEST_F(PolicyServiceTest, CompiledPoliciesStayWithinTheCacheSize) {
  std::vector<std::string> ids;
  for (int i = 0; i < 30; ++i) {
    auto created = service_->create(
        "default", boost::json::parse(R"({"name":"p)" + std::to_string(i) +
                                      R"(","detectors":["invisible_text"]})"));
    ASSERT_TRUE(created.isOk());
    ids.push_back(created->id);
  }
  PolicyService small(*repo_, registry_, PolicyServiceOptions{.max_compiled = 10});
  ASSERT_TRUE(small.warmUp("default").isOk());
  for (int round = 0; round < 2; ++round) {
    for (const auto& id : ids) {
      ASSERT_TRUE(small.compiled("default", id).isOk());  // evicted ones are compiled again
      ASSERT_LE(small.stats().size, 10u);
    }
  }
  EXPECT_GT(small.stats().evictions, 0u);
  EXPECT_TRUE(small.compiled("default", "").isOk());
}

TEST_F(PolicyServiceTest, ADefaultChangedOnAnotherReplicaIsFollowedByRefresh) {
  ASSERT_EQ((*service_->compiled("default", ""))->id, "default");
  PolicyService other(*repo_, registry_);
  ASSERT_TRUE(other.warmUp("default").isOk());
  auto created = other.create("default", boost::json::parse(R"({"name":"stricter"})"));
  ASSERT_TRUE(created.isOk());
  ASSERT_TRUE(other.setDefault("default", created->id).isOk());
  EXPECT_EQ((*service_->compiled("default", ""))->id, "default");  // not heard of it yet
  ASSERT_TRUE(service_->refresh().isOk());
  EXPECT_EQ((*service_->compiled("default", ""))->id, created->id);
  // And back, through the announcement path this time.
  ASSERT_TRUE(other.setDefault("default", "default").isOk());
  ASSERT_TRUE(service_->refreshOrganization("default").isOk());
  EXPECT_EQ((*service_->compiled("default", ""))->id, "default");
}

TEST_F(PolicyServiceTest, AnAnnouncementRecompilesWhatThisReplicaHolds) {
  PolicyService other(*repo_, registry_);
  ASSERT_TRUE(other.warmUp("default").isOk());
  auto created = other.create("default", boost::json::parse(R"({"name":"elsewhere"})"));
  ASSERT_TRUE(created.isOk());
  ASSERT_TRUE(service_->compiled("default", created->id).isOk());
  ASSERT_TRUE(other
                  .update("default", created->id,
                          boost::json::parse(R"({"name":"elsewhere","custom":{"keywords":["x"]}})"))
                  .isOk());
  auto n = service_->refreshOrganization("default");
  ASSERT_TRUE(n.isOk());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ((*service_->compiled("default", created->id))->version, 2);
  // Another organization's announcement changes nothing here.
  EXPECT_EQ(*service_->refreshOrganization("org_other"), 0);
}

}  // namespace
}  // namespace aisafe::policy
