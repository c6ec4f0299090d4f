// The proxy's model calls in /metrics and the logs (issue 23): tokens the upstreams reported and
// how long they took to start answering, counted from the ModelCall each proxied request hands
// its sink (proxy/model_call.h).
//
//   aisafe_proxy_tokens_total{provider, model, kind}     kind: prompt | completion
//   aisafe_proxy_tokens_by_organization_total{organization_id, kind}
//                                      (absent with METRICS_ORGANIZATION_LABEL=false)
//   aisafe_proxy_upstream_first_byte_seconds{provider}   a histogram
//
// The model label is the model that answered (the upstream's word, not the caller's), cut to
// kMaxModelLabelBytes: it grows with the models a deployment uses, not with traffic. With the
// access log on, each call is one "model call" log line with the request id.
// Threading: record() is called on request threads; the families are thread-safe.
#pragma once

#include "core/config.h"
#include "proxy/model_call.h"
#include "telemetry/metrics.h"

namespace aisafe::app {

class ModelCallMetrics final : public proxy::ModelCallSink {
 public:
  // Registers the families in `registry`, which outlives this.
  ModelCallMetrics(telemetry::Registry& registry, const Config& config);
  void record(const http::RequestContext& ctx, const proxy::ModelCall& call) override;

 private:
  telemetry::Counter& tokens_;
  telemetry::Counter* tokens_by_organization_;  // null: METRICS_ORGANIZATION_LABEL=false
  telemetry::Histogram& first_byte_seconds_;
  const bool log_calls_;
};

}  // namespace aisafe::app
