#include "proxy/model_call.h"

namespace aisafe::proxy {

void setGenAiAttributes(const http::RequestContext& ctx, const ModelCall& call) {
  telemetry::Span* span = ctx.trace.recordingServer();
  if (span == nullptr) {
    return;
  }
  // Names from OpenTelemetry's GenAI semantic conventions, so tracing back ends that know them
  // show model calls as such.
  span->setString("gen_ai.system", call.provider);
  span->setString("gen_ai.operation.name", call.operation);
  if (!call.request_model.empty()) {
    span->setString("gen_ai.request.model", call.request_model);
  }
  if (!call.response_model.empty()) {
    span->setString("gen_ai.response.model", call.response_model);
  }
  if (call.usage) {
    span->setInt("gen_ai.usage.input_tokens", call.usage->prompt_tokens);
    span->setInt("gen_ai.usage.output_tokens", call.usage->completion_tokens);
  }
}

}  // namespace aisafe::proxy
