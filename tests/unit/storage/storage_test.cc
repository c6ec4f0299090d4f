// Storage against both databases: SQLite in a temp dir and a real PostgreSQL server the test
// starts (tests/support/postgres_server.h). Every test runs on both.
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "storage/audit_writer.h"
#include "storage/migrator.h"
#include "storage/organization_repository.h"
#include "storage/policy_repository.h"
#include "storage/rate_limit_log_repository.h"
#include "storage/validation_repository.h"
#include "storage/webhook_delivery_repository.h"
#include "support/postgres_env.h"
#include "support/temp_dir.h"
#include "tenancy/audit_retention.h"

namespace aisafe::storage {
namespace {

class StorageTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url;
    if (GetParam() == "sqlite") {
      url = "sqlite://" + dir_.path() + "/test.db";
    } else {
      auto* pg = testsupport::sharedPostgres();
      AISAFE_REQUIRE_POSTGRES(pg);
      static int n = 0;
      url = pg->createDatabase("storage_" + std::to_string(++n));
      ASSERT_FALSE(url.empty());
    }
    auto db = Database::open(url, 2);
    ASSERT_TRUE(db.isOk()) << db.status().message();
    db_ = std::move(db).value();
  }

  Status migrateUp() {
    Migrator m(*db_);
    auto r = m.up();
    return r.status();
  }

  testsupport::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_P(StorageTest, MigrationsGoUpDownAndUpAgain) {
  Migrator m(*db_);
  auto up = m.up();
  ASSERT_TRUE(up.isOk()) << up.status().message();
  EXPECT_EQ(*up, m.latestVersion());
  EXPECT_EQ(*m.up(), 0);  // idempotent
  auto st = m.status();
  ASSERT_TRUE(st.isOk());
  for (const auto& s : *st) EXPECT_TRUE(s.applied) << s.name;

  PolicyRepository policies(*db_);
  ASSERT_TRUE(policies.get("default", "default").isOk());

  auto down = m.down(m.latestVersion());
  ASSERT_TRUE(down.isOk()) << down.status().message();
  EXPECT_EQ(*down, m.latestVersion());
  // Everything 001 created is gone: the table can be created again from scratch.
  EXPECT_FALSE(policies.get("default", "default").isOk());
  ASSERT_TRUE(db_->run([](soci::session& s) { s << "CREATE TABLE policies (x INTEGER)"; }).isOk());
  ASSERT_TRUE(db_->run([](soci::session& s) { s << "DROP TABLE policies"; }).isOk());

  ASSERT_TRUE(m.up().isOk());
  EXPECT_TRUE(policies.get("default", "default").isOk());
}

TEST_P(StorageTest, PolicyVersionsAccumulate) {
  ASSERT_TRUE(migrateUp().isOk());
  PolicyRepository repo(*db_);
  PolicyRow row{"pol_test", "default", "first", 1, false, R"({"name":"first"})", 1000, 1000};
  ASSERT_TRUE(repo.create(row).isOk());
  auto updated = repo.update("default", "pol_test", "second", R"({"name":"second"})");
  ASSERT_TRUE(updated.isOk()) << updated.status().message();
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->document, R"({"name":"second"})");
  auto versions = repo.versions("default", "pol_test");
  ASSERT_TRUE(versions.isOk());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 2);

  ASSERT_TRUE(repo.remove("default", "pol_test").isOk());
  EXPECT_EQ(repo.get("default", "pol_test").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(repo.remove("default", "pol_test").code(), StatusCode::kNotFound);
  EXPECT_EQ(repo.update("default", "missing", "x", "{}").status().code(), StatusCode::kNotFound);
  auto all = repo.list("default");
  EXPECT_EQ(repo.list("org_other")->size(), 0u);  // scoped to the organization
  ASSERT_TRUE(all.isOk());
  EXPECT_EQ(all->size(), 1u);  // only the default remains
}

// Migration 004 upgrades default policies nobody edited, in both of their old spellings, and
// leaves edited ones alone; down puts them back.
TEST_P(StorageTest, UneditedDefaultPoliciesGetTheClassifierAndEditedOnesDoNot) {
  Migrator m(*db_);
  ASSERT_TRUE(m.up().isOk());
  const int after_004 = m.latestVersion() - 4;  // migrations newer than 004, undone with it
  ASSERT_TRUE(m.down(1 + after_004).isOk());    // as before 004
  PolicyRepository repo(*db_);
  const std::string service_default =
      R"({"name":"default","detectors":["prompt_injection","pii","secrets","invisible_text","custom"],"actions":{"custom":"block","invisible_text":"block","jailbreak":"block","pii":"redact","prompt_injection":"block","secrets":"block"},"thresholds":{"min_severity":"low","min_score":5E-1},"custom":{"keywords":[],"regexes":[]},"log_raw_text":false})";
  PolicyRow created{"pol_created", "default", "default", 1, false, service_default, 1000, 1000};
  ASSERT_TRUE(repo.create(created).isOk());
  PolicyRow edited{
      "pol_edited", "default", "mine", 1, false, R"({"name":"mine","detectors":["pii"]})",
      1000,         1000};
  ASSERT_TRUE(repo.create(edited).isOk());

  ASSERT_TRUE(m.up().isOk());
  for (const char* id : {"default", "pol_created"}) {
    auto p = repo.get("default", id);
    ASSERT_TRUE(p.isOk()) << id;
    // 004 wrote version 2 (the classifier); 007 wrote version 3 (the suffix detector).
    EXPECT_EQ(p->version, 3) << id;
    EXPECT_NE(p->document.find("\"injection_classifier\""), std::string::npos) << id;
    EXPECT_NE(p->document.find("\"adversarial_suffix\""), std::string::npos) << id;
    EXPECT_NE(p->document.find("\"system_prompt_leak\":\"block\""), std::string::npos) << id;
  }
  auto untouched = repo.get("default", "pol_edited");
  ASSERT_TRUE(untouched.isOk());
  EXPECT_EQ(untouched->version, 1);

  ASSERT_TRUE(m.down(1 + after_004).isOk());
  auto back = repo.get("default", "pol_created");
  ASSERT_TRUE(back.isOk());
  EXPECT_EQ(back->version, 1);
  EXPECT_EQ(back->document, service_default);
  EXPECT_EQ(repo.versions("default", "pol_created")->size(), 1u);
}

ValidationRecord record(int i, const std::string& decision, const std::string& org = "default") {
  ValidationRecord r;
  r.id = "val_" + std::to_string(1000 + i);
  r.request_id = "req_" + std::to_string(i);
  r.organization_id = org;
  r.policy_id = "default";
  r.policy_version = 1;
  r.surface = "input";
  r.decision = decision;
  r.risk_score = 0.5;
  r.detectors = decision == "block" ? ",prompt_injection," : ",";
  r.detections = "[]";
  r.text_sha256 = std::string(64, 'a');
  r.text_length = 10;
  r.latency_us = 42;
  if (i % 2 == 0) r.raw_text = "text " + std::to_string(i);
  r.created_at = 1'700'000'000'000 + i / 3;  // several records share a millisecond
  return r;
}

// SQLite inserts a batch several rows per statement and the rest one by one: every size around
// the statement's row count keeps every row, with its own values.
TEST_P(StorageTest, ValidationBatchesOfEverySizeKeepEveryRow) {
  ASSERT_TRUE(migrateUp().isOk());
  ValidationRepository repo(*db_);
  int next = 0;
  for (const int n : {1, 15, 16, 17, 32, 33, 50}) {
    const std::string org = "org_" + std::to_string(n);
    std::vector<ValidationRecord> batch;
    for (int i = 0; i < n; ++i)
      batch.push_back(record(next++, i % 2 == 0 ? "allow" : "block", org));
    ASSERT_TRUE(repo.insertBatch(batch).isOk()) << n;
    ValidationQuery q;
    q.organization_id = org;
    q.limit = 100;
    auto rows = repo.list(q);
    ASSERT_TRUE(rows.isOk());
    ASSERT_EQ(rows->size(), static_cast<std::size_t>(n));
    for (const auto& r : *rows) {
      const int i = std::stoi(r.id.substr(4)) - 1000;
      EXPECT_EQ(r.request_id, "req_" + std::to_string(i)) << n;
      EXPECT_EQ(r.raw_text.has_value(), i % 2 == 0) << n;
      EXPECT_EQ(r.organization_id, org);
    }
  }
}

TEST_P(StorageTest, ValidationsPageNewestFirstWithFilters) {
  ASSERT_TRUE(migrateUp().isOk());
  ValidationRepository repo(*db_);
  std::vector<ValidationRecord> batch;
  for (int i = 0; i < 250; ++i) batch.push_back(record(i, i % 5 == 0 ? "block" : "allow"));
  for (int i = 0; i < 250; i += 3)
    batch[static_cast<std::size_t>(i)].api_key_id = "key_" + std::to_string(i);
  batch.push_back(record(999, "block", "other_org"));
  ASSERT_TRUE(repo.insertBatch(batch).isOk());

  // Every row holds its own values, nulls included (rows are bound one after another).
  ValidationQuery all;
  all.organization_id = "default";
  all.limit = 300;
  auto rows = repo.list(all);
  ASSERT_TRUE(rows.isOk());
  ASSERT_EQ(rows->size(), 250u);
  for (const auto& r : *rows) {
    const int i = std::stoi(r.id.substr(4)) - 1000;
    EXPECT_EQ(r.request_id, "req_" + std::to_string(i));
    EXPECT_EQ(r.raw_text.has_value(), i % 2 == 0) << r.id;
    EXPECT_EQ(r.raw_text.value_or("(null)"), i % 2 == 0 ? "text " + std::to_string(i) : "(null)");
    EXPECT_EQ(r.api_key_id, i % 3 == 0 ? "key_" + std::to_string(i) : "") << r.id;
  }

  std::vector<std::string> seen;
  ValidationQuery q;
  q.organization_id = "default";
  q.limit = 40;
  for (;;) {
    auto page = repo.list(q);
    ASSERT_TRUE(page.isOk()) << page.status().message();
    for (const auto& r : *page) seen.push_back(r.id);
    if (static_cast<int>(page->size()) < q.limit) break;
    q.after = std::pair{page->back().created_at, page->back().id};
  }
  ASSERT_EQ(seen.size(), 250u);  // every record once, none of the other organization
  EXPECT_EQ(seen.front(), "val_1249");
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 250u);

  ValidationQuery blocked;
  blocked.organization_id = "default";
  blocked.decision = "block";
  blocked.detector = "prompt_injection";
  blocked.limit = 200;
  auto b = repo.list(blocked);
  ASSERT_TRUE(b.isOk());
  EXPECT_EQ(b->size(), 50u);
  EXPECT_TRUE((*b)[0].raw_text.has_value() || (*b)[1].raw_text.has_value());

  ValidationQuery window;
  window.organization_id = "default";
  window.since = 1'700'000'000'010;
  window.until = 1'700'000'000'020;
  window.limit = 200;
  auto w = repo.list(window);
  ASSERT_TRUE(w.isOk());
  EXPECT_EQ(w->size(), 30u);
}

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kNow = 1'800'000'000'000;

std::vector<ValidationRecord> aged(const std::string& org, int count, std::int64_t age_ms,
                                   int first_id) {
  std::vector<ValidationRecord> out;
  for (int i = 0; i < count; ++i) {
    ValidationRecord r = record(first_id + i, "allow", org);
    r.created_at = kNow - age_ms - i;  // distinct, all on the same side of the cutoff
    out.push_back(std::move(r));
  }
  return out;
}

std::int64_t countRows(Database& db, const std::string& org) {
  long long n = -1;
  EXPECT_TRUE(db.run([&](soci::session& s) {
                  s << "SELECT COUNT(*) FROM validations WHERE organization_id = :o",
                      soci::use(org), soci::into(n);
                }).isOk());
  return n;
}

// A slice is at most `limit` rows, oldest first, only the organization's, only before the cutoff.
TEST_P(StorageTest, OldValidationsAreDeletedInBoundedSlices) {
  ASSERT_TRUE(migrateUp().isOk());
  ValidationRepository repo(*db_);
  ASSERT_TRUE(repo.insertBatch(aged("org_a", 25, 2 * kDay, 0)).isOk());
  ASSERT_TRUE(repo.insertBatch(aged("org_a", 5, kDay / 2, 100)).isOk());
  ASSERT_TRUE(repo.insertBatch(aged("org_b", 10, 2 * kDay, 200)).isOk());
  std::vector<std::int64_t> slices;
  for (;;) {
    auto n = repo.deleteOlderThan("org_a", kNow - kDay, 10);
    ASSERT_TRUE(n.isOk()) << n.status().message();
    slices.push_back(*n);
    if (*n < 10) break;
  }
  EXPECT_EQ(slices, (std::vector<std::int64_t>{10, 10, 5}));
  EXPECT_EQ(countRows(*db_, "org_a"), 5);   // the recent ones
  EXPECT_EQ(countRows(*db_, "org_b"), 10);  // another organization's are not touched
  EXPECT_EQ(*repo.deleteOlderThan("org_a", kNow - kDay, 10), 0);
}

// Each organization by its own audit_retention_days, the others by the default; 0 keeps forever.
TEST_P(StorageTest, RetentionCutsEachOrganizationByItsOwnSetting) {
  ASSERT_TRUE(migrateUp().isOk());
  OrganizationRepository orgs(*db_);
  for (const auto& [id, settings] : std::vector<std::pair<std::string, std::string>>{
           {"org_short", R"({"audit_retention_days":1})"},
           {"org_default", "{}"},
           {"org_broken", "not json"}}) {
    PolicyRow policy{"pol_" + id, id, "default", 1, true, R"({"name":"default"})", 1000, 1000};
    ASSERT_TRUE(orgs.create({id, id, settings, 1000, 1000}, policy, std::nullopt).isOk()) << id;
  }
  ValidationRepository repo(*db_);
  ASSERT_TRUE(repo.insertBatch(aged("org_short", 30, 2 * kDay, 0)).isOk());
  ASSERT_TRUE(repo.insertBatch(aged("org_short", 3, kDay / 2, 100)).isOk());
  ASSERT_TRUE(repo.insertBatch(aged("org_default", 20, 2 * kDay, 200)).isOk());
  ASSERT_TRUE(repo.insertBatch(aged("org_default", 4, 100 * kDay, 300)).isOk());
  ASSERT_TRUE(repo.insertBatch(aged("org_broken", 6, 100 * kDay, 400)).isOk());

  tenancy::AuditRetention forever(orgs, repo, {.default_days = 0, .batch_size = 7});
  auto kept = forever.run(kNow);
  ASSERT_TRUE(kept.isOk()) << kept.status().message();
  EXPECT_EQ(kept->deleted, 30);  // only org_short has a retention of its own
  EXPECT_EQ(kept->organizations, 1);
  EXPECT_EQ(countRows(*db_, "org_default"), 24);

  tenancy::AuditRetention retention(orgs, repo, {.default_days = 90, .batch_size = 7});
  auto report = retention.run(kNow);
  ASSERT_TRUE(report.isOk()) << report.status().message();
  EXPECT_EQ(report->deleted, 4);  // org_default's 100-day-old rows
  EXPECT_EQ(countRows(*db_, "org_short"), 3);
  EXPECT_EQ(countRows(*db_, "org_default"), 20);
  EXPECT_EQ(countRows(*db_, "org_broken"), 6);  // unreadable settings: skipped, not guessed

  std::stop_source stop;
  stop.request_stop();
  ASSERT_TRUE(repo.insertBatch(aged("org_short", 10, 2 * kDay, 500)).isOk());
  auto stopped = retention.run(kNow, stop.get_token());
  ASSERT_TRUE(stopped.isOk());
  EXPECT_TRUE(stopped->stopped);
  EXPECT_EQ(countRows(*db_, "org_short"), 13);
}

// Two replicas running the clean-up at the same moment: both succeed, every old row is deleted
// exactly once between them, the recent rows stay.
TEST_P(StorageTest, TwoReplicasRunningRetentionAtOnceAgree) {
  ASSERT_TRUE(migrateUp().isOk());
  OrganizationRepository orgs(*db_);
  PolicyRow policy{"pol_r", "org_r", "default", 1, true, R"({"name":"default"})", 1000, 1000};
  ASSERT_TRUE(
      orgs.create({"org_r", "r", R"({"audit_retention_days":1})", 1000, 1000}, policy, std::nullopt)
          .isOk());
  ValidationRepository repo(*db_);
  ASSERT_TRUE(repo.insertBatch(aged("org_r", 600, 2 * kDay, 0)).isOk());
  ASSERT_TRUE(repo.insertBatch(aged("org_r", 5, kDay / 2, 1000)).isOk());
  std::int64_t deleted[2] = {0, 0};
  std::thread replicas[2];
  for (int i = 0; i < 2; ++i) {
    replicas[i] = std::thread([&, i] {
      tenancy::AuditRetention retention(
          orgs, repo, {.default_days = 0, .batch_size = 25, .pause = std::chrono::milliseconds(0)});
      auto r = retention.run(kNow);
      ASSERT_TRUE(r.isOk()) << r.status().message();
      deleted[i] = r->deleted;
    });
  }
  for (auto& t : replicas) t.join();
  EXPECT_EQ(deleted[0] + deleted[1], 600);
  EXPECT_EQ(countRows(*db_, "org_r"), 5);
}

TEST_P(StorageTest, AuditWriterFlushesEverythingOnStop) {
  ASSERT_TRUE(migrateUp().isOk());
  ValidationRepository repo(*db_);
  {
    AuditWriter writer(repo,
                       {.queue_capacity = 10'000, .batch_size = 64, .flush_interval_ms = 1000});
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(writer.enqueue(record(i, "allow")));
    writer.stop();
    EXPECT_EQ(writer.written(), 1000u);
    EXPECT_EQ(writer.dropped(), 0u);
    EXPECT_FALSE(writer.enqueue(record(5000, "allow")));  // stopped: counted as dropped
    EXPECT_EQ(writer.dropped(), 1u);
  }
  ValidationQuery q;
  q.organization_id = "default";
  q.limit = 200;
  EXPECT_EQ(repo.list(q)->size(), 200u);
}

TEST_P(StorageTest, AuditWriterDropsWhenFull) {
  ASSERT_TRUE(migrateUp().isOk());
  ValidationRepository repo(*db_);
  AuditWriter writer(repo, {.queue_capacity = 10, .batch_size = 1000, .flush_interval_ms = 60'000});
  int accepted = 0;
  for (int i = 0; i < 50; ++i) accepted += writer.enqueue(record(i, "allow")) ? 1 : 0;
  EXPECT_EQ(accepted, 10);
  EXPECT_EQ(writer.dropped(), 40u);
  writer.flush();
  EXPECT_EQ(writer.written(), 10u);
}

TEST_P(StorageTest, RateLimitHitsAreWrittenInBatchesAndReadNewestFirst) {
  ASSERT_TRUE(migrateUp().isOk());
  RateLimitLogRepository repo(*db_);
  {
    BatchWriter<RateLimitLogRow> writer(
        [&repo](const std::vector<RateLimitLogRow>& rows) { return repo.insertBatch(rows); },
        {.queue_capacity = 1000, .batch_size = 7, .flush_interval_ms = 1000});
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(writer.enqueue({.id = "rlh_" + std::to_string(100 + i),
                                  .organization_id = "default",
                                  .api_key_id = "",
                                  .limit_name = i % 2 ? "organization_requests_per_minute"
                                                      : "organization_characters_per_minute",
                                  .route = "/api/v1/validate",
                                  .created_at = 1'700'000'000'000 + i}));
    }
    writer.stop();
    EXPECT_EQ(writer.written(), 20u);
    EXPECT_EQ(writer.failed(), 0u);
  }
  auto rows = repo.recent("default", 5);
  ASSERT_TRUE(rows.isOk()) << rows.status().message();
  ASSERT_EQ(rows->size(), 5u);
  EXPECT_EQ(rows->front().id, "rlh_119");
  EXPECT_EQ(rows->front().limit_name, "organization_requests_per_minute");
  EXPECT_EQ(rows->front().api_key_id, "");
  EXPECT_EQ(rows->front().created_at, 1'700'000'000'019);
  EXPECT_TRUE(repo.recent("another-org", 5)->empty());
}

// Migration 005: an event keeps the traceparent of the request that caused it, and a claimed
// delivery hands it to the worker; events from untraced requests have none.
TEST_P(StorageTest, AnEventsTraceparentReachesItsDeliveries) {
  ASSERT_TRUE(migrateUp().isOk());
  WebhookEndpointRepository endpoints(*db_);
  WebhookEndpointRow endpoint;
  endpoint.id = "wh_t";
  endpoint.organization_id = "default";
  endpoint.url = "https://hooks.example.com/";
  endpoint.events = R"(["prompt.blocked","policy.created"])";
  endpoint.secret = "sealed";
  ASSERT_TRUE(endpoints.create(endpoint).isOk());
  WebhookDeliveryRepository deliveries(*db_);
  const std::string traced = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  OutboxEvent with{"msg_traced", "default", "prompt.blocked", "{}", 1000};
  with.traceparent = traced;
  OutboxEvent without{"msg_plain", "default", "prompt.blocked", "{}", 1001};
  ASSERT_TRUE(deliveries.enqueueBatch({with, without}).isOk());
  OutboxEvent change{"msg_change", "default", "policy.created", "{}", 1002};
  change.traceparent = traced;
  ASSERT_TRUE(db_->transaction([&](soci::session& s) {
                   EXPECT_EQ(WebhookDeliveryRepository::enqueueIn(s, change), 1);
                 })
                  .isOk());
  auto claimed = deliveries.claimDue(10'000, 60'000, 10);
  ASSERT_TRUE(claimed.isOk()) << claimed.status().message();
  ASSERT_EQ(claimed->size(), 3u);
  std::map<std::string, std::string> by_event;
  for (const auto& c : *claimed) by_event[c.delivery.event_id] = c.traceparent;
  EXPECT_EQ(by_event["msg_traced"], traced);
  EXPECT_EQ(by_event["msg_plain"], "");
  EXPECT_EQ(by_event["msg_change"], traced);
}

TEST_P(StorageTest, TwoWorkersNeverClaimTheSameDelivery) {
  ASSERT_TRUE(migrateUp().isOk());
  WebhookEndpointRepository endpoints(*db_);
  WebhookEndpointRow endpoint;
  endpoint.id = "wh_1";
  endpoint.organization_id = "default";
  endpoint.url = "https://hooks.example.com/";
  endpoint.events = R"(["prompt.blocked"])";
  endpoint.secret = "sealed";
  ASSERT_TRUE(endpoints.create(endpoint).isOk());
  WebhookDeliveryRepository deliveries(*db_);
  std::vector<OutboxEvent> events;
  for (int i = 0; i < 40; ++i) {
    events.push_back({"msg_" + std::to_string(i), "default", "prompt.blocked", "{}", 1000 + i});
  }
  events.push_back({"msg_other", "default", "policy.created", "{}", 2000});  // nobody subscribes
  ASSERT_TRUE(deliveries.enqueueBatch(events).isOk());
  ASSERT_EQ(*deliveries.countPending(), 40);

  std::vector<std::string> got[2];
  std::thread workers[2];
  for (int w = 0; w < 2; ++w) {
    workers[w] = std::thread([&, w] {
      for (int round = 0; round < 5; ++round) {
        auto claimed = deliveries.claimDue(10'000, 60'000, 10);
        ASSERT_TRUE(claimed.isOk()) << claimed.status().message();
        for (const auto& c : *claimed) got[w].push_back(c.delivery.id);
      }
    });
  }
  for (auto& t : workers) t.join();
  std::set<std::string> all(got[0].begin(), got[0].end());
  for (const auto& id : got[1]) EXPECT_TRUE(all.insert(id).second) << id << " claimed twice";
  EXPECT_EQ(all.size(), 40u);
  // Leased: nothing more is due until the lease runs out.
  EXPECT_TRUE(deliveries.claimDue(10'000, 60'000, 10)->empty());
  EXPECT_EQ(deliveries.claimDue(80'000, 60'000, 100)->size(), 40u);
}

INSTANTIATE_TEST_SUITE_P(Databases, StorageTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

TEST(DatabaseUrlTest, PostgresUrlBecomesConnectionString) {
  auto c = sociConnectString("postgresql://app:s%40cret@db.internal:5433/aisafe?sslmode=require");
  ASSERT_TRUE(c.isOk());
  EXPECT_EQ(c->first, Dialect::kPostgres);
  EXPECT_EQ(c->second,
            "host='db.internal' port=5433 user='app' password='s@cret' dbname='aisafe' "
            "sslmode='require'");
  EXPECT_FALSE(sociConnectString("mysql://x").isOk());
}

}  // namespace
}  // namespace aisafe::storage
