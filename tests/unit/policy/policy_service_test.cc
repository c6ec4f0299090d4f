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
    ASSERT_TRUE(service_->loadAll().isOk());
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
  ASSERT_TRUE(other.loadAll().isOk());
  auto created = other.create("default", boost::json::parse(R"({"name":"elsewhere"})"));
  ASSERT_TRUE(created.isOk());
  auto found = service_->compiled("default", created->id);  // not announced here yet
  ASSERT_TRUE(found.isOk()) << found.status().message();
  EXPECT_EQ((*found)->version, 1);
  // Never across organizations: the read is by organization and id.
  EXPECT_EQ(service_->compiled("org_other", created->id).status().code(),
            StatusCode::kNotFound);
}

TEST_F(PolicyServiceTest, RefreshPicksUpChangesFromAnotherReplica) {
  PolicyService other(*repo_, registry_);
  ASSERT_TRUE(other.loadAll().isOk());
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

}  // namespace
}  // namespace aisafe::policy
