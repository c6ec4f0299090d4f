#include "validation/sinks/webhook_sink.h"

#include "core/clock.h"
#include "telemetry/trace_context.h"
#include "webhooks/events.h"

namespace aisafe::validation {

void WebhookSink::record(const DecisionEvent& event) {
  const std::string& organization = event.caller.organization_id;
  const bool blocked = event.verdict.decision == "block";
  const bool validated = endpoints_.subscribed(organization, "prompt.validated");
  const bool block_event = blocked && endpoints_.subscribed(organization, "prompt.blocked");
  if (!validated && !block_event) {
    return;
  }
  boost::json::object data{{"request_id", event.caller.request_id},
                           {"organization_id", organization},
                           {"decision", event.verdict.decision}};
  for (const char* field : {"risk_score", "policy", "detections"}) {
    if (const auto* v = event.verdict.body.if_contains(field)) {
      data[field] = *v;
    }
  }
  if (!event.caller.api_key_id.empty()) {
    data["api_key_id"] = event.caller.api_key_id;
  }
  const std::int64_t now = clock::nowMs();
  const telemetry::SpanContext context = event.trace.server != nullptr
                                             ? event.trace.server->context()
                                             : telemetry::currentSpanContext();
  const std::string traceparent = telemetry::traceparentOrEmpty(context);
  if (validated) {
    auto outbox = webhooks::makeEvent("prompt.validated", organization, data, now);
    outbox.traceparent = traceparent;
    events_.enqueue(std::move(outbox));
  }
  if (block_event) {
    auto outbox = webhooks::makeEvent("prompt.blocked", organization, std::move(data), now);
    outbox.traceparent = traceparent;
    events_.enqueue(std::move(outbox));
  }
}

}  // namespace aisafe::validation
