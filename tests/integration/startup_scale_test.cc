// Start-up does not grow with the data (issue 24, decision 0025). The database is filled with SQL
// (a recursive CTE on SQLite, generate_series on PostgreSQL), never through the API: API keys,
// organizations, policies (each organization with a default) and audit rows. Then `serve` starts
// on it with the compiled rule cache warm, and the test measures the time from spawning the
// process to GET /ready answering 200, and checks that a seeded API key validates with a seeded
// policy_id and with its organization's default.
//
// Sizes: AISAFE_STARTUP_SCALE=full is the issue's (1,000,000 keys, 100,000 policies, 10,000,000
// audit rows; seeding takes minutes); unset, a tenth of the keys and policies and 200,000 audit
// rows, which CI can afford. The readiness bound is the goal (2 s) times three, for a CI machine
// shared with other jobs: before decision 0025 start-up compiled every policy, which at the CI
// size alone took far longer. The figure is printed either way.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include "auth/api_key_format.h"
#include "storage/database.h"
#include "storage/migrator.h"
#include "support/aisafe_server.h"
#include "support/postgres_env.h"
#include "support/redis_server.h"
#include "support/temp_dir.h"

namespace aisafe {
namespace {
using namespace std::chrono_literals;
using testsupport::AisafeServer;
using Env = std::vector<std::pair<std::string, std::string>>;

constexpr auto kReadyBound = 6s;  // the 2 s goal, three times over for a shared CI machine
constexpr auto kReadyDeadline = 120s;
constexpr int kPoliciesPerOrganization = 10;  // the first of each is its default
constexpr const char* kSeededWord = "quokkaseedword";

struct Scale {
  long long api_keys;
  long long policies;
  long long audit_rows;
};

Scale scaleFromEnv() {
  const char* v = std::getenv("AISAFE_STARTUP_SCALE");
  if (v != nullptr && std::string(v) == "full") {
    return {1'000'000, 100'000, 10'000'000};
  }
  return {100'000, 10'000, 200'000};
}

// The same default document the migrations store (007_default_adversarial_suffix).
constexpr const char* kDefaultDocument =
    R"({"name":"default","detectors":["prompt_injection","injection_classifier","adversarial_suffix","indirect_injection","pii","secrets","invisible_text","custom"],"actions":{"custom":"block","invisible_text":"block","jailbreak":"block","pii":"redact","prompt_injection":"block","secrets":"block","system_prompt_leak":"block"},"thresholds":{"min_severity":"low","min_score":5E-1},"custom":{"keywords":[],"regexes":[]},"log_raw_text":false})";

std::string customDocument() {
  return std::string(R"({"name":"seeded","detectors":["custom"],"actions":{"custom":"block"},)") +
         R"("custom":{"keywords":[")" + kSeededWord + R"("],"regexes":[]}})";
}

// Rows numbered 0..count-1 as a FROM item with one column, i.
std::string series(storage::Dialect dialect, long long count) {
  const std::string last = std::to_string(count - 1);
  if (dialect == storage::Dialect::kPostgres) {
    return "generate_series(0, " + last + ") AS s(i)";
  }
  return "(WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < " + last +
         ") SELECT i FROM n) AS s";
}

struct Seeded {
  std::string api_key;            // of org_seed_1
  std::string policy_id;          // a non-default policy of org_seed_1
  std::string default_policy_id;  // org_seed_1's default
};

class StartupScaleTest : public ::testing::Test {
 protected:
  // Applies the migrations and fills the database; returns what the checks use.
  static Seeded seed(const std::string& url, const Scale& scale) {
    auto opened = storage::Database::open(url, 1);
    EXPECT_TRUE(opened.isOk()) << opened.status().message();
    if (!opened) return {};
    auto db = std::move(opened).value();
    auto migrated = storage::Migrator(*db).up();
    EXPECT_TRUE(migrated.isOk()) << migrated.status().message();
    const storage::Dialect d = db->dialect();
    const long long orgs = scale.policies / kPoliciesPerOrganization;
    const std::string now = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count());
    const auto t0 = std::chrono::steady_clock::now();
    // Named: soci reads bound values when the statement runs, after temporaries are gone.
    const std::string default_document = kDefaultDocument;
    const std::string custom_document = customDocument();
    const auto st = db->transaction([&](soci::session& s) {
      s << "INSERT INTO organizations (id, name, settings, created_at, updated_at) "
           "SELECT 'org_seed_' || s.i, 'seeded ' || s.i, '{}', " +
               now + ", " + now + " FROM " + series(d, orgs);
      // Policy n belongs to organization n / 10; n % 10 == 0 is that organization's default.
      // Old timestamps: nothing seeded counts as a recent change for the refresh.
      s << "INSERT INTO policies (id, name, current_version, is_default, created_at, updated_at, "
           "organization_id) SELECT 'pol_seed_' || s.i, 'seeded', 1, "
           "CASE WHEN s.i % 10 = 0 THEN 1 ELSE 0 END, 1000, 1000, "
           "'org_seed_' || (s.i / 10) FROM " +
               series(d, scale.policies);
      s << "INSERT INTO policy_versions (policy_id, version, document, created_at) "
           "SELECT 'pol_seed_' || s.i, 1, CASE WHEN s.i % 10 = 0 THEN :def ELSE :custom END, 1000 "
           "FROM " +
               series(d, scale.policies),
          soci::use(default_document), soci::use(custom_document);
      // Hashes that no key has: only the one real key below can authenticate.
      s << "INSERT INTO api_keys (id, organization_id, name, prefix, key_hash, scopes, "
           "created_by, created_at, updated_at) SELECT 'key_seed_' || s.i, 'org_seed_' || (s.i % " +
               std::to_string(orgs) +
               "), 'seeded', 'ask_live_seed', 'seedhash' || s.i, "
               "'[\"validate\"]', 'seed', " +
               now + ", " + now + " FROM " + series(d, scale.api_keys);
      // Recent audit rows (one a millisecond back from now), so retention deletes none.
      s << "INSERT INTO validations (id, request_id, organization_id, policy_id, policy_version, "
           "surface, decision, risk_score, detectors, detections, text_sha256, text_length, "
           "latency_us, created_at) SELECT 'val_seed_' || s.i, 'req_seed_' || s.i, "
           "'org_seed_' || (s.i % " +
               std::to_string(orgs) +
               "), 'pol_seed_0', 1, 'input', 'allow', 0, '[]', '[]', "
               "'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 5, 100, " +
               now + " - s.i FROM " + series(d, scale.audit_rows);
    });
    EXPECT_TRUE(st.isOk()) << st.message();
    Seeded out;
    const auto key = auth::generateApiKey();
    out.api_key = key.key;
    out.policy_id = "pol_seed_17";
    out.default_policy_id = "pol_seed_10";
    const auto added = db->run([&](soci::session& s) {
      s << "INSERT INTO api_keys (id, organization_id, name, prefix, key_hash, scopes, "
           "created_by, created_at, updated_at) VALUES ('key_seed_real', 'org_seed_1', 'real', "
           ":p, :h, '[\"validate\"]', 'seed', " +
               now + ", " + now + ")",
          soci::use(key.prefix), soci::use(key.hash);
    });
    EXPECT_TRUE(added.isOk()) << added.message();
    if (d == storage::Dialect::kPostgres) {
      // What autovacuum would do soon after such a load: plans with real row counts.
      (void)db->run([](soci::session& s) { s << "ANALYZE"; });  // swallowed: only a hint
    }
    std::cout << "[startup] seeded " << scale.api_keys << " API keys, " << scale.policies
              << " policies in " << orgs << " organizations, " << scale.audit_rows
              << " audit rows in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - t0)
                     .count()
              << " ms" << std::endl;
    return out;
  }

  // Starts `serve`, returns the time from spawning it to /ready 200 (nullopt: never ready).
  static std::optional<std::chrono::milliseconds> startAndTimeReadiness(
      const Env& env, std::unique_ptr<AisafeServer>& server) {
    const auto spawned = std::chrono::steady_clock::now();
    std::string error;
    server = AisafeServer::start(env, error);
    EXPECT_NE(server, nullptr) << error;
    if (!server) return std::nullopt;
    const auto deadline = spawned + kReadyDeadline;
    while (std::chrono::steady_clock::now() < deadline) {
      if (server->client().request("GET", "/ready").status == 200) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - spawned);
      }
      std::this_thread::sleep_for(10ms);
    }
    return std::nullopt;
  }

  static void expectSeededDataServes(AisafeServer& server, const Seeded& seeded) {
    SCOPED_TRACE("server log tail:\n" + testsupport::readFileTail(server.logPath()));
    auto c = server.client();
    const Env headers = {{"Content-Type", "application/json"}, {"X-API-Key", seeded.api_key}};
    const std::string prompt = std::string("tell me about the ") + kSeededWord;
    // The seeded policy blocks its keyword...
    auto with_policy = c.request("POST", "/api/v1/validate",
                                 boost::json::serialize(boost::json::object{
                                     {"prompt", prompt}, {"policy_id", seeded.policy_id}}),
                                 headers);
    ASSERT_EQ(with_policy.status, 200) << with_policy.body;
    EXPECT_EQ(with_policy.json().at("decision").as_string(), "block") << with_policy.body;
    // ...which the organization's default does not know.
    auto with_default =
        c.request("POST", "/api/v1/validate",
                  boost::json::serialize(boost::json::object{{"prompt", prompt}}), headers);
    ASSERT_EQ(with_default.status, 200) << with_default.body;
    EXPECT_EQ(with_default.json().at("decision").as_string(), "allow") << with_default.body;
    // Another organization's policy is not this key's.
    auto foreign = c.request("POST", "/api/v1/validate",
                             boost::json::serialize(boost::json::object{
                                 {"prompt", prompt}, {"policy_id", "pol_seed_27"}}),
                             headers);
    EXPECT_EQ(foreign.status, 404) << foreign.body;
  }

  static void report(const char* backend, std::chrono::milliseconds ready) {
    std::cout << "[startup] " << backend << ": ready " << ready.count() << " ms after spawn"
              << std::endl;
    ::testing::Test::RecordProperty(std::string(backend) + "_ready_ms",
                                    static_cast<int>(ready.count()));
  }
};

TEST_F(StartupScaleTest, SqliteIsReadyInBoundedTimeWhateverTheDataSize) {
  const Scale scale = scaleFromEnv();
  testsupport::TempDir dir("aisafe-startup");
  ASSERT_TRUE(dir.valid());
  const std::string url = "sqlite://" + dir.path() + "/seeded.db";
  const Seeded seeded = seed(url, scale);
  ASSERT_FALSE(HasFailure());
  std::unique_ptr<AisafeServer> server;
  auto ready = startAndTimeReadiness({{"DATABASE_URL", url}}, server);
  ASSERT_TRUE(ready.has_value()) << "not ready within " << kReadyDeadline.count() << " s";
  report("sqlite", *ready);
  EXPECT_LE(*ready, kReadyBound);
  expectSeededDataServes(*server, seeded);
}

TEST_F(StartupScaleTest, PostgresWithRedisIsReadyInBoundedTimeWhateverTheDataSize) {
  auto* pg = testsupport::sharedPostgres();
  AISAFE_REQUIRE_POSTGRES(pg);
  const std::string url = pg->createDatabase("startup_scale");
  ASSERT_FALSE(url.empty());
  std::string error;
  auto redis = testsupport::RedisServer::start(error);
  ASSERT_NE(redis, nullptr) << error;
  const Scale scale = scaleFromEnv();
  const Seeded seeded = seed(url, scale);
  ASSERT_FALSE(HasFailure());
  std::unique_ptr<AisafeServer> server;
  auto ready = startAndTimeReadiness({{"DATABASE_URL", url}, {"REDIS_URL", redis->url()}}, server);
  ASSERT_TRUE(ready.has_value()) << "not ready within " << kReadyDeadline.count() << " s";
  report("postgresql", *ready);
  EXPECT_LE(*ready, kReadyBound);
  expectSeededDataServes(*server, seeded);
}

}  // namespace
}  // namespace aisafe
