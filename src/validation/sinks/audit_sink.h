// Decisions into the audit trail: one record per text, queued for the batched writer
// (storage/audit_writer.h). The text itself only when the policy says so (log_raw_text).
#pragma once

#include <functional>

#include "storage/audit_writer.h"
#include "validation/decision_sink.h"

namespace aisafe::validation {

class AuditSink final : public DecisionSink {
 public:
  // `on_dropped` runs after each record the writer refused (its queue full, or stopping); the
  // writer counts them (dropped()), the callback makes them heard (app/drop_warning.h).
  explicit AuditSink(storage::BatchWriter<storage::ValidationRecord>& writer,
                     std::function<void()> on_dropped = {})
      : writer_(writer), on_dropped_(std::move(on_dropped)) {}
  void record(const DecisionEvent& event) override;

  // The record the trail keeps for `event` (for tests and for record()).
  static storage::ValidationRecord toRecord(const DecisionEvent& event);

 private:
  storage::BatchWriter<storage::ValidationRecord>& writer_;
  std::function<void()> on_dropped_;
};

}  // namespace aisafe::validation
