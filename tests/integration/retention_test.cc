// Audit retention end to end: the real binary with RETENTION_INTERVAL short deletes the audit
// records of an organization with audit_retention_days=1 once they are older than a day, and
// leaves another organization's records (the default, 90 days) alone; on SQLite and on a real
// PostgreSQL. `aisafe worker` does the same for a `serve` that leaves it to workers.
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include "core/clock.h"
#include "storage/database.h"
#include "storage/validation_repository.h"
#include "support/aisafe_server.h"
#include "support/free_port.h"
#include "support/postgres_env.h"

namespace aisafe {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;
using testsupport::AisafeServer;
using testsupport::HttpClient;
using Env = std::vector<std::pair<std::string, std::string>>;

constexpr std::int64_t kDay = 86'400'000;

std::vector<storage::ValidationRecord> aged(const std::string& org, int count, std::int64_t age_ms,
                                            const std::string& prefix) {
  std::vector<storage::ValidationRecord> out;
  const std::int64_t now = clock::nowMs();
  for (int i = 0; i < count; ++i) {
    storage::ValidationRecord r;
    r.id = "val_" + prefix + std::to_string(i);
    r.request_id = "req_" + prefix + std::to_string(i);
    r.organization_id = org;
    r.policy_id = "default";
    r.policy_version = 1;
    r.surface = "input";
    r.decision = "allow";
    r.detectors = ",";
    r.detections = "[]";
    r.text_sha256 = std::string(64, 'a');
    r.created_at = now - age_ms - i;
    out.push_back(std::move(r));
  }
  return out;
}

class RetentionTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      auto* pg = testsupport::sharedPostgres();
      AISAFE_REQUIRE_POSTGRES(pg);
      static int n = 0;
      url_ = pg->createDatabase("retention_" + std::to_string(++n));
      ASSERT_FALSE(url_.empty());
    }
  }

  // Starts serve with `extra` on top; the database is ours when PostgreSQL, the server's file
  // when SQLite.
  std::unique_ptr<AisafeServer> startServer(Env extra) {
    if (!url_.empty()) extra.emplace_back("DATABASE_URL", url_);
    std::string error;
    auto server = AisafeServer::start(extra, error);
    EXPECT_NE(server, nullptr) << error;
    if (server && url_.empty()) url_ = "sqlite://" + server->dataDir() + "/aisafe.db";
    return server;
  }

  std::int64_t count(const std::string& org, std::int64_t older_than_ms) {
    long long n = -1;
    const long long cutoff = clock::nowMs() - older_than_ms;
    EXPECT_TRUE(db_->run([&](soci::session& s) {
                     s << "SELECT COUNT(*) FROM validations WHERE organization_id = :o AND "
                          "created_at < :c",
                         soci::use(org), soci::use(cutoff), soci::into(n);
                   })
                    .isOk());
    return n;
  }

  // A new organization with a retention of one day; returns its id. Old and recent records
  // for it and for the default organization (no setting: AUDIT_RETENTION_DAYS, 90).
  std::string seed(AisafeServer& server) {
    HttpClient admin = server.adminClient();
    auto created = admin.request("POST", "/api/v1/organizations", R"({"name":"short memory"})",
                                 {{"Content-Type", "application/json"}});
    EXPECT_EQ(created.status, 201) << created.body;
    const std::string org(json::parse(created.body).at("id").as_string());
    auto patched = admin.request("PATCH", "/api/v1/organizations/" + org,
                                 R"({"settings":{"audit_retention_days":1}})",
                                 {{"Content-Type", "application/json"}});
    EXPECT_EQ(patched.status, 200) << patched.body;

    auto db = storage::Database::open(url_, 1);
    EXPECT_TRUE(db.isOk()) << db.status().message();
    db_ = std::move(db).value();
    storage::ValidationRepository repo(*db_);
    EXPECT_TRUE(repo.insertBatch(aged(org, 2500, 2 * kDay, "old_")).isOk());
    EXPECT_TRUE(repo.insertBatch(aged(org, 5, kDay / 2, "new_")).isOk());
    EXPECT_TRUE(repo.insertBatch(aged("default", 40, 2 * kDay, "dflt_")).isOk());
    return org;
  }

  bool oldRowsGone(const std::string& org, std::chrono::milliseconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      if (count(org, kDay) == 0) return true;
      std::this_thread::sleep_for(50ms);
    }
    return count(org, kDay) == 0;
  }

  std::string url_;
  std::unique_ptr<storage::Database> db_;
};

TEST_P(RetentionTest, AnOrganizationsOldRecordsGoAndAnothersStay) {
  auto server = startServer({{"RETENTION_INTERVAL", "200ms"}});
  ASSERT_NE(server, nullptr);
  const std::string org = seed(*server);
  ASSERT_EQ(count(org, kDay), 2500);

  ASSERT_TRUE(oldRowsGone(org, 15s));     // more than one slice of 1,000
  EXPECT_EQ(count(org, 0), 5);            // its recent records stay
  EXPECT_EQ(count("default", kDay), 40);  // two days old, under the default 90
  EXPECT_EQ(count("default", 100 * kDay), 0);

  auto metrics = server->client().request("GET", "/metrics");
  EXPECT_NE(metrics.body.find(R"(aisafe_job_runs_total{job="audit_retention",outcome="success"})"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("aisafe_audit_retention_deleted_total 2500"), std::string::npos);
  EXPECT_EQ(server->stop(), 0);
}

// RETENTION_WORKER=false: serve leaves the rows; a worker process cuts them, and its job
// metrics can be scraped on WORKER_METRICS_PORT (nothing else is served there).
TEST_P(RetentionTest, AWorkerProcessCutsWhatServeLeaves) {
  auto server = startServer({{"RETENTION_INTERVAL", "200ms"}, {"RETENTION_WORKER", "false"}});
  ASSERT_NE(server, nullptr);
  const std::string org = seed(*server);
  EXPECT_FALSE(oldRowsGone(org, 1s));
  auto metrics = server->client().request("GET", "/metrics");
  EXPECT_EQ(metrics.body.find(R"(aisafe_job_runs_total{job="audit_retention")"), std::string::npos);

  std::string error;
  const int metrics_port = testsupport::freePort();
  ASSERT_GT(metrics_port, 0);
  Env worker_env = {{"DATABASE_URL", url_},
                    {"WORKER_METRICS_PORT", std::to_string(metrics_port)},
                    {"RETENTION_INTERVAL", "200ms"},
                    {"SECRET_KEY", "test-secret-key-0123456789abcdefghijklmnopqrstuv"},
                    {"LOG_LEVEL", "warn"}};
  auto worker =
      testsupport::ChildProcess::spawn({testsupport::aisafeBinaryPath(), "worker"}, worker_env,
                                       server->dataDir() + "/worker.log", error);
  ASSERT_NE(worker, nullptr) << error;
  EXPECT_TRUE(oldRowsGone(org, 15s));
  EXPECT_EQ(count(org, 0), 5);
  EXPECT_EQ(count("default", kDay), 40);
  HttpClient scraper(metrics_port);
  const auto scraped = scraper.request("GET", "/metrics");
  ASSERT_EQ(scraped.status, 200);
  EXPECT_NE(scraped.body.find(R"(aisafe_job_runs_total{job="audit_retention",outcome="success"})"),
            std::string::npos)
      << scraped.body;
  EXPECT_NE(scraped.body.find(R"(aisafe_job_queue_depth{job="webhook_delivery"} 0)"),
            std::string::npos);
  EXPECT_EQ(scraper.request("POST", "/api/v1/validate", R"({"prompt":"x"})").status, 404);
  worker->signal(SIGTERM);
  EXPECT_EQ(worker->waitExit(10s), 0);
}

INSTANTIATE_TEST_SUITE_P(Databases, RetentionTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace aisafe
