// Decisions into the audit trail: one record per text, queued for the batched writer
// (storage/audit_writer.h). The text itself only when the policy says so (log_raw_text).
#pragma once

#include "storage/audit_writer.h"
#include "validation/decision_sink.h"

namespace aisafe::validation {

class AuditSink final : public DecisionSink {
 public:
  explicit AuditSink(storage::BatchWriter<storage::ValidationRecord>& writer) : writer_(writer) {}
  void record(const DecisionEvent& event) override;

  // The record the trail keeps for `event` (for tests and for record()).
  static storage::ValidationRecord toRecord(const DecisionEvent& event);

 private:
  storage::BatchWriter<storage::ValidationRecord>& writer_;
};

}  // namespace aisafe::validation
