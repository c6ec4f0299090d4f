#include "telemetry/error_reporter.h"

#include <chrono>
#include <mutex>
#include <sstream>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "telemetry/logging.h"

namespace aisafe::telemetry {
namespace {

namespace json = boost::json;

TEST(SentryDsn, ParsesHostedAndSelfHostedForms) {
  auto hosted = parseSentryDsn("https://abc123@o42.ingest.sentry.io/4501");
  ASSERT_TRUE(hosted.isOk()) << hosted.status().message();
  EXPECT_EQ(hosted->public_key, "abc123");
  EXPECT_EQ(hosted->envelope_url, "https://o42.ingest.sentry.io/api/4501/envelope/");
  auto self = parseSentryDsn("http://key:secret@127.0.0.1:9000/sentry/7");
  ASSERT_TRUE(self.isOk()) << self.status().message();
  EXPECT_EQ(self->public_key, "key");
  EXPECT_EQ(self->envelope_url, "http://127.0.0.1:9000/sentry/api/7/envelope/");
}

TEST(SentryDsn, RefusesWhatIsNotADsn) {
  for (const char* bad : {"", "sentry.io/1", "ftp://k@h/1", "https://h/1", "https://k@h",
                          "https://k@h/", "https://k@/1", "https://k@h/1 2"}) {
    EXPECT_FALSE(parseSentryDsn(bad).isOk()) << bad;
  }
}

ErrorReporterOptions options() {
  ErrorReporterOptions o;
  o.dsn = *parseSentryDsn("https://pub@sentry.example/9");
  o.release = "aisafe@1.2.3";
  o.environment = "staging";
  o.server_name = "node-1";
  return o;
}

std::vector<json::value> lines(const std::string& envelope) {
  std::vector<json::value> out;
  std::istringstream in(envelope);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

TEST(SentryEnvelope, HeaderItemAndEventAsIngestExpects) {
  ErrorEvent e;
  e.message = "audit batch could not be written";
  e.kind = "log_error";
  e.request_id = "req_1";
  e.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  e.fields = json::object{{"error", "disk full"}, {"status", 500}, {"detail", json::array{1, 2}}};
  const std::string env = buildEnvelope(options(), e, std::string(32, 'a'), 1'700'000'000'123);
  const auto l = lines(env);
  ASSERT_EQ(l.size(), 3U);
  EXPECT_EQ(l[0].at("event_id").as_string(), std::string(32, 'a'));
  EXPECT_EQ(l[0].at("dsn"), "https://pub@sentry.example/9");
  EXPECT_EQ(l[1].at("type"), "event");
  const auto& ev = l[2].as_object();
  EXPECT_EQ(ev.at("level"), "error");
  EXPECT_EQ(ev.at("release"), "aisafe@1.2.3");
  EXPECT_EQ(ev.at("environment"), "staging");
  EXPECT_EQ(ev.at("server_name"), "node-1");
  EXPECT_EQ(ev.at("message").at("formatted"), "audit batch could not be written");
  EXPECT_EQ(ev.at("tags").at("request_id"), "req_1");
  EXPECT_EQ(ev.at("tags").at("error"), "disk full");
  EXPECT_EQ(ev.at("tags").at("status"), "500");
  EXPECT_EQ(ev.at("extra").at("detail").as_array().size(), 2U);
  EXPECT_EQ(ev.at("contexts").at("trace").at("trace_id").as_string(), e.trace_id);
  EXPECT_NEAR(ev.at("timestamp").as_double(), 1'700'000'000.123, 1e-3);
  EXPECT_EQ(l[1].at("length").to_number<std::size_t>(), json::serialize(l[2]).size());
}

struct Recorder {
  std::mutex mu;
  std::vector<ErrorReporter::Delivery> got;
  ErrorReporter::Sender sender() {
    return [this](const ErrorReporter::Delivery& d) {
      std::lock_guard lock(mu);
      got.push_back(d);
      return Status::ok();
    };
  }
  std::size_t count() {
    std::lock_guard lock(mu);
    return got.size();
  }
};

TEST(ErrorReporter, SendsSignedEnvelopesOffTheCallersThread) {
  Recorder r;
  ErrorReporter reporter(options(), r.sender());
  reporter.capture({"boom", "http_5xx", "req_a", "", {}});
  reporter.stop();
  ASSERT_EQ(r.count(), 1U);
  EXPECT_EQ(r.got[0].url, "https://sentry.example/api/9/envelope/");
  bool auth = false;
  for (const auto& [k, v] : r.got[0].headers) {
    auth = auth || (k == "X-Sentry-Auth" && v.find("sentry_key=pub") != std::string::npos);
  }
  EXPECT_TRUE(auth);
  EXPECT_EQ(reporter.sent(), 1U);
}

TEST(ErrorReporter, AnOutageSendsAHandfulAndOneEventPerRequest) {
  Recorder r;
  ErrorReporterOptions o = options();
  o.burst = 3;
  o.events_per_minute = 1;  // nothing refills during the test
  std::vector<std::string> results;
  std::mutex results_mu;
  o.on_result = [&](const char* result) {
    std::lock_guard lock(results_mu);
    results.emplace_back(result);
  };
  ErrorReporter reporter(o, r.sender());
  reporter.capture({"exception", "log_error", "req_same", "", {}});
  reporter.capture({"HTTP 500", "http_5xx", "req_same", "", {}});  // the same request: one event
  for (int i = 0; i < 50; ++i) reporter.capture({"db down", "log_error", "", "", {}});
  reporter.stop();
  EXPECT_EQ(r.count(), 3U);
  EXPECT_EQ(reporter.dropped(), 49U);
  std::lock_guard lock(results_mu);
  EXPECT_EQ(std::count(results.begin(), results.end(), std::string("sent")), 3);
}

TEST(ErrorReporter, AFailingSenderIsCountedNotRetried) {
  ErrorReporter reporter(
      options(), [](const ErrorReporter::Delivery&) { return unavailable("connection refused"); });
  reporter.capture({"x", "log_error", "", "", {}});
  reporter.stop();
  EXPECT_EQ(reporter.failed(), 1U);
  EXPECT_EQ(reporter.sent(), 0U);
}

TEST(ErrorReporter, ErrorLogLinesReachTheInstalledReporter) {
  Recorder r;
  ErrorReporter reporter(options(), r.sender());
  setLogErrorReporter(&reporter);
  logWarn("only a warning");
  logError("audit batch could not be written", {{"error", "locked"}, {"request_id", "req_z"}});
  setLogErrorReporter(nullptr);
  logError("after detaching");
  reporter.stop();
  ASSERT_EQ(r.count(), 1U);
  EXPECT_NE(r.got[0].body.find("audit batch could not be written"), std::string::npos);
  EXPECT_NE(r.got[0].body.find("req_z"), std::string::npos);
}

}  // namespace
}  // namespace aisafe::telemetry
