#include "validation/sinks/trace_sink.h"

namespace aisafe::validation {

void TraceSink::record(const DecisionEvent& event) {
  telemetry::Span* span = event.trace.recordingServer();
  if (span == nullptr) {
    return;
  }
  span->setString("aisafe.policy.id", event.policy.id);
  span->setInt("aisafe.policy.version", event.policy.version);
  span->setString("aisafe.surface", std::string(event.surface));
  span->setInt("aisafe.detector_hits", static_cast<std::int64_t>(event.verdict.hits.size()));
  const std::string& d = event.verdict.detectors;  // ",a,b,"
  span->setString("aisafe.detectors", d.size() > 2 ? d.substr(1, d.size() - 2) : "");
  span->setBool("aisafe.cache.hit", event.from_cache);
}

}  // namespace aisafe::validation
