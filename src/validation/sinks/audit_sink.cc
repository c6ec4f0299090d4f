#include "validation/sinks/audit_sink.h"

#include <boost/json/serialize.hpp>

#include "core/clock.h"
#include "crypto/random_ids.h"

namespace aisafe::validation {

storage::ValidationRecord AuditSink::toRecord(const DecisionEvent& event) {
  storage::ValidationRecord record;
  record.created_at = clock::nowMs();
  record.id = crypto::timeOrderedId("val_", record.created_at);
  record.request_id = event.caller.request_id;
  record.organization_id = event.caller.organization_id;
  record.api_key_id = event.caller.api_key_id;
  record.user_id = event.caller.user_id;
  record.policy_id = event.policy.id;
  record.policy_version = event.policy.version;
  record.surface = std::string(event.surface);
  record.decision = event.verdict.decision;
  record.risk_score = event.verdict.risk_score;
  record.detectors = event.verdict.detectors;
  const auto* detections = event.verdict.body.if_contains("detections");
  record.detections = detections != nullptr ? boost::json::serialize(*detections) : "[]";
  record.text_sha256 = std::string(event.text_sha256);
  record.text_length = static_cast<std::int64_t>(event.text.size());
  record.latency_us = event.latency_us;
  if (event.policy.spec.log_raw_text) {
    record.raw_text = std::string(event.text);
  }
  return record;
}

void AuditSink::record(const DecisionEvent& event) {
  if (!writer_.enqueue(toRecord(event)) && on_dropped_) {
    on_dropped_();
  }
}

}  // namespace aisafe::validation
