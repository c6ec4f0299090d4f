// Decisions as webhook events: prompt.validated for every decision and prompt.blocked for a
// block, queued for the outbox (batched) when the organization subscribes to them. The event
// carries the decision and its evidence, never the text, and the request's trace, so the
// delivery a worker sends later continues it.
#pragma once

#include "storage/batch_writer.h"
#include "storage/webhook_delivery_repository.h"
#include "validation/decision_sink.h"
#include "webhooks/endpoint_service.h"

namespace aisafe::validation {

class WebhookSink final : public DecisionSink {
 public:
  WebhookSink(webhooks::EndpointService& endpoints,
              storage::BatchWriter<storage::OutboxEvent>& events)
      : endpoints_(endpoints), events_(events) {}
  void record(const DecisionEvent& event) override;

 private:
  webhooks::EndpointService& endpoints_;
  storage::BatchWriter<storage::OutboxEvent>& events_;
};

}  // namespace aisafe::validation
