// Unexpected errors reach Sentry (a local fake receiver here) with the request id, release and
// environment, signed with the DSN's key, off the request path, and never with a prompt.
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
       {"AUDIT_FLUSH_INTERVAL_MS", "50"}},
      error);
  ASSERT_NE(server, nullptr) << error;
  auto admin = server->adminClient();

  // Break the audit table under the running server: listing fails with a 500, and the audit
  // writer's next batch fails in the background.
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

  ASSERT_TRUE(sentry.waitFor(2, std::chrono::seconds(10)))
      << "events received: " << sentry.received().size();
  bool saw_5xx = false, saw_audit = false;
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
    const std::string message(ev.at("message").at("formatted").as_string());
    saw_audit = saw_audit || message.find("audit batch") != std::string::npos;
  }
  EXPECT_TRUE(saw_5xx);
  EXPECT_TRUE(saw_audit);
  const std::string metrics = server->client().request("GET", "/metrics").body;
  EXPECT_NE(metrics.find("aisafe_error_reports_total{result=\"sent\"}"), std::string::npos)
      << metrics;
}

TEST(ErrorReportingTest, AMalformedDsnStopsTheStart) {
  std::string error;
  auto server = AisafeServer::start({{"SENTRY_DSN", "not-a-dsn"}}, error);
  EXPECT_EQ(server, nullptr);
  EXPECT_NE(error.find("SENTRY_DSN"), std::string::npos) << error;
}

}  // namespace
}  // namespace aisafe
