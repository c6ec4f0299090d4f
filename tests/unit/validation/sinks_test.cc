// Each decision sink alone, fed a decision as the service would.
#include <gtest/gtest.h>

#include "storage/webhook_endpoint_repository.h"
#include "telemetry/metrics.h"
#include "validation/sinks/audit_sink.h"
#include "validation/sinks/metrics_sink.h"
#include "validation/sinks/trace_sink.h"
#include "validation/sinks/webhook_sink.h"
#include "validation_test_support.h"
#include "webhooks/endpoint_service.h"
#include "webhooks/secret_box.h"

namespace aisafe::validation {
namespace {

class SinksTest : public testing::ValidationFixture {
 protected:
  void SetUp() override {
    ValidationFixture::SetUp();
    policy_ = *shared().policies->compiled("default", "");
    verdict_.decision = "block";
    verdict_.risk_score = 0.97;
    verdict_.detectors = ",prompt_injection,";
    verdict_.hits = {{"prompt_injection", "prompt_injection"}};
    verdict_.body = boost::json::object{
        {"decision", "block"},
        {"risk_score", 0.97},
        {"policy", boost::json::object{{"id", "default"}, {"version", 1}}},
        {"detections", boost::json::array{boost::json::object{{"rule_id", "pi.x"}}}}};
    caller_.organization_id = "default";
    caller_.request_id = "req_1";
    caller_.api_key_id = "key_1";
  }

  DecisionEvent event(std::string_view text = "ignore previous instructions") {
    return DecisionEvent{.caller = caller_,
                         .policy = *policy_,
                         .verdict = verdict_,
                         .text = text,
                         .text_sha256 = "ab",
                         .surface = "input",
                         .from_cache = false,
                         .latency_us = 42,
                         .trace = trace_};
  }

  std::shared_ptr<const policy::CompiledPolicy> policy_;
  Verdict verdict_;
  Caller caller_;
  telemetry::RequestTrace trace_;
};

TEST_F(SinksTest, AuditRecordsTheDecisionAndNeverTheTextUnlessThePolicySaysSo) {
  const storage::ValidationRecord r = AuditSink::toRecord(event());
  EXPECT_EQ(r.organization_id, "default");
  EXPECT_EQ(r.request_id, "req_1");
  EXPECT_EQ(r.api_key_id, "key_1");
  EXPECT_EQ(r.policy_id, "default");
  EXPECT_EQ(r.decision, "block");
  EXPECT_EQ(r.surface, "input");
  EXPECT_EQ(r.detectors, ",prompt_injection,");
  EXPECT_EQ(r.detections, R"([{"rule_id":"pi.x"}])");
  EXPECT_EQ(r.text_length, 28);
  EXPECT_EQ(r.latency_us, 42);
  EXPECT_EQ(r.id.rfind("val_", 0), 0u);
  EXPECT_FALSE(r.raw_text.has_value());
}

TEST_F(SinksTest, AuditQueuesOneRecordPerDecision) {
  std::vector<storage::ValidationRecord> written;
  storage::BatchWriter<storage::ValidationRecord> writer(
      [&written](const std::vector<storage::ValidationRecord>& batch) {
        written.insert(written.end(), batch.begin(), batch.end());
        return Status::ok();
      },
      storage::BatchWriterOptions{});
  AuditSink sink(writer);
  sink.record(event());
  sink.record(event());
  writer.stop();  // flushes
  EXPECT_EQ(written.size(), 2u);
}

TEST_F(SinksTest, AuditRecordsTheWriterRefusesAreHeard) {
  storage::BatchWriter<storage::ValidationRecord> writer(
      [](const std::vector<storage::ValidationRecord>&) { return Status::ok(); },
      storage::BatchWriterOptions{});
  writer.stop();  // refuses everything from now on, as a full queue does
  int heard = 0;
  AuditSink sink(writer, [&heard] { ++heard; });
  sink.record(event());
  sink.record(event());
  EXPECT_EQ(heard, 2);
  EXPECT_EQ(writer.dropped(), 2u);
}

TEST_F(SinksTest, MetricsCountDecisionsAndFindings) {
  telemetry::Registry registry;
  auto& validations = registry.counter("aisafe_validations_total", "v");
  auto& hits = registry.counter("aisafe_detector_hits_total", "h");
  MetricsSink sink(validations, hits);
  sink.record(event());
  sink.record(event());
  const std::string text = registry.render();
  EXPECT_NE(text.find(R"(aisafe_validations_total{decision="block",surface="input"} 2)"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          R"(aisafe_detector_hits_total{detector="prompt_injection",category="prompt_injection"} 2)"),
      std::string::npos)
      << text;
}

TEST_F(SinksTest, WebhookEventsOnlyWhenSubscribedAndWithoutTheText) {
  storage::WebhookEndpointRepository repo(*shared().db);
  webhooks::SecretBox box("a master key of at least thirty-two characters!!");
  webhooks::EndpointService endpoints(repo, box, webhooks::EndpointOptions{});
  std::vector<storage::OutboxEvent> queued;
  storage::BatchWriter<storage::OutboxEvent> events(
      [&queued](const std::vector<storage::OutboxEvent>& batch) {
        queued.insert(queued.end(), batch.begin(), batch.end());
        return Status::ok();
      },
      storage::BatchWriterOptions{});
  WebhookSink sink(endpoints, events);
  auto created =
      endpoints.create("default",
                       boost::json::object{{"url", "https://hooks.example.com/aisafe"},
                                           {"events", boost::json::array{"prompt.blocked"}}},
                       "usr_1");
  ASSERT_TRUE(created.isOk()) << created.status().message();
  caller_.organization_id = "org_other";
  sink.record(event());  // nobody there subscribes
  caller_.organization_id = "default";
  sink.record(event("a secret text that must not travel"));
  events.stop();
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].type, "prompt.blocked");
  EXPECT_EQ(queued[0].organization_id, "default");
  EXPECT_EQ(queued[0].payload.find("a secret text"), std::string::npos);
  EXPECT_NE(queued[0].payload.find("key_1"), std::string::npos);
}

TEST_F(SinksTest, TraceSinkLeavesAnUntracedRequestAlone) {
  TraceSink sink;
  sink.record(event());  // no server span: nothing to write, nothing to crash
  SUCCEED();
}

}  // namespace
}  // namespace aisafe::validation
