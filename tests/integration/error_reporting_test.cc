// Unexpected errors reach Sentry (a local fake receiver here) with the request id, release and
// environment, signed with the DSN's key, off the request path, and never with a prompt.
#include <map>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include "storage/database.h"
#include "support/aisafe_server.h"
#include "support/http_receiver.h"

namespace aisafe {
namespace {

namespace json = boost::json;
using testsupport::AisafeServer;

// The event payload of an envelope: its third line.
json::object eventOf(const std::string& envelope) {
  const auto first = envelope.find('\n');
  const auto second = envelope.find('\n', first + 1);
  const auto third = envelope.find('\n', second + 1);
  return json::parse(envelope.substr(second + 1, third - second - 1)).as_object();
}

TEST(ErrorReportingTest, FailuresBecomeSentryEventsWithoutThePrompt) {
  testsupport::HttpReceiver sentry;
  std::string error;
  auto server = AisafeServer::start(
      {{"SENTRY_DSN", "http://testkey@127.0.0.1:" + std::to_string(sentry.port()) + "/42"},
       {"SENTRY_ENVIRONMENT", "ci"},
       {"AUDIT_FLUSH_INTERVAL_MS", "50"},
       {"RETENTION_INTERVAL", "200ms"}},
      error);
  ASSERT_NE(server, nullptr) << error;
  auto admin = server->adminClient();

  // Break the audit table under the running server: listing fails with a 500, and two
  // background jobs fail: the audit writer's next batch and the retention clean-up's next run.
  auto db = storage::Database::open("sqlite://" + server->dataDir() + "/aisafe.db", 1);
  ASSERT_TRUE(db.isOk()) << db.status().message();
  ASSERT_TRUE((*db)->run([](soci::session& s) { s << "DROP TABLE validations"; }).isOk());

  const std::string prompt = "unmistakable-prompt-text-7Q2 please summarise the meeting";
  auto validated =
      admin.request("POST", "/api/v1/validate", json::serialize(json::object{{"prompt", prompt}}));
  EXPECT_EQ(validated.status, 200) << validated.body;  // the answer never waits on Sentry
  auto listed = admin.request("GET", "/api/v1/validations");
  ASSERT_EQ(listed.status, 500) << listed.body;
  const std::string failed_request = listed.header("x-request-id");

  ASSERT_TRUE(sentry.waitFor(3, std::chrono::seconds(10)))
      << "events received: " << sentry.received().size();
  bool saw_5xx = false;
  std::map<std::string, int> failed_jobs;
  for (const auto& r : sentry.received()) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/api/42/envelope/");
    EXPECT_NE(r.headers.at("x-sentry-auth").find("sentry_key=testkey"), std::string::npos);
    EXPECT_EQ(r.body.find("unmistakable-prompt-text"), std::string::npos) << r.body;
    const json::object ev = eventOf(r.body);
    EXPECT_EQ(ev.at("environment"), "ci");
    EXPECT_EQ(std::string(ev.at("release").as_string()).substr(0, 7), "aisafe@");
    const auto& tags = ev.at("tags").as_object();
    if (tags.at("kind") == "http_5xx") {
      saw_5xx = true;
      EXPECT_EQ(tags.at("request_id").as_string(), failed_request);
      EXPECT_EQ(tags.at("route"), "/api/v1/validations");
    }
    if (tags.at("kind") == "background_job") {
      const std::string job(tags.at("job").as_string());
      ++failed_jobs[job];
      EXPECT_EQ(std::string(ev.at("message").at("formatted").as_string()),
                "background job " + job + " failed");
      EXPECT_NE(std::string(tags.at("error").as_string()).find("validations"), std::string::npos)
          << r.body;
    }
  }
  EXPECT_TRUE(saw_5xx);
  // Each failing job once, however often it ran (the retention job every 200 ms).
  EXPECT_EQ(failed_jobs["audit_batching"], 1);
  EXPECT_EQ(failed_jobs["audit_retention"], 1);
  const std::string metrics = server->client().request("GET", "/metrics").body;
  EXPECT_NE(metrics.find("aisafe_error_reports_total{result=\"sent\"}"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find(R"(aisafe_job_runs_total{job="audit_retention",outcome="failure"})"),
            std::string::npos);
  EXPECT_NE(metrics.find(R"(aisafe_job_runs_total{job="audit_batching",outcome="failure"})"),
            std::string::npos);
}

TEST(ErrorReportingTest, AMalformedDsnStopsTheStart) {
  std::string error;
  auto server = AisafeServer::start({{"SENTRY_DSN", "not-a-dsn"}}, error);
  EXPECT_EQ(server, nullptr);
  EXPECT_NE(error.find("SENTRY_DSN"), std::string::npos) << error;
}

}  // namespace
}  // namespace aisafe
