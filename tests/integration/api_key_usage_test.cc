// API key usage counters are the background job api_key_usage: counted in memory on the request
// path, written every KEY_USAGE_FLUSH_MS, and once more at SIGTERM, so a clean stop loses none.
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include "storage/database.h"
#include "support/aisafe_server.h"

namespace aisafe {
namespace {
namespace json = boost::json;
using testsupport::AisafeServer;

// Creates a validate key as the admin; returns {id, key}.
std::pair<std::string, std::string> createKey(AisafeServer& server) {
  auto admin = server.adminClient();
  auto r = admin.request("POST", "/api/v1/api-keys", R"({"name":"usage","scopes":["validate"]})",
                         {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 201) << r.body;
  const json::value v = json::parse(r.body);
  return {std::string(v.at("id").as_string()), std::string(v.at("key").as_string())};
}

void validateWith(AisafeServer& server, const std::string& key, int times) {
  auto c = server.client();
  for (int i = 0; i < times; ++i) {
    auto r = c.request("POST", "/api/v1/validate", R"({"prompt":"hello"})",
                       {{"Content-Type", "application/json"}, {"X-API-Key", key}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
}

TEST(ApiKeyUsageTest, CountsAreWrittenByTheJob) {
  std::string error;
  auto server =
      AisafeServer::start({{"KEY_USAGE_FLUSH_MS", "50"}, {"POLICY_REFRESH_MS", "100"}}, error);
  ASSERT_NE(server, nullptr) << error;
  const auto [id, key] = createKey(*server);
  validateWith(*server, key, 3);
  auto admin = server->adminClient();
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::int64_t count = 0;
  while (std::chrono::steady_clock::now() < until) {
    auto r = admin.request("GET", "/api/v1/api-keys/" + id);
    count = json::parse(r.body).at("request_count").as_int64();
    if (count == 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(count, 3);
  std::string metrics;
  while (std::chrono::steady_clock::now() < until) {
    metrics = server->client().request("GET", "/metrics").body;
    if (metrics.find(R"(aisafe_job_runs_total{job="policy_refresh")") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(metrics.find(R"(aisafe_job_runs_total{job="api_key_usage",outcome="success"})"),
            std::string::npos)
      << metrics;
  // Nothing changed elsewhere: the refresh looked and found nothing.
  EXPECT_NE(metrics.find(R"(aisafe_job_runs_total{job="policy_refresh",outcome="idle"})"),
            std::string::npos);
}

TEST(ApiKeyUsageTest, SigtermWritesWhatTheJobHadNotYet) {
  std::string error;
  auto server = AisafeServer::start({{"KEY_USAGE_FLUSH_MS", "600000"}}, error);  // never on its own
  ASSERT_NE(server, nullptr) << error;
  const auto [id, key] = createKey(*server);
  validateWith(*server, key, 4);
  ASSERT_EQ(server->stop(), 0);
  auto db = storage::Database::open("sqlite://" + server->dataDir() + "/aisafe.db", 1);
  ASSERT_TRUE(db.isOk()) << db.status().message();
  long long count = -1;
  ASSERT_TRUE((*db)
                  ->run([&](soci::session& s) {
                    s << "SELECT request_count FROM api_keys WHERE id = :id", soci::use(id),
                        soci::into(count);
                  })
                  .isOk());
  EXPECT_EQ(count, 4);
}

}  // namespace
}  // namespace aisafe
