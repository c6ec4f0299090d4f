// What the proxy learned about one model call it made for a caller (issue 23): which provider
// and model, how long the upstream took to start answering, and the tokens it reported. The
// Proxy hands one ModelCall to its ModelCallSink per upstream answer (any status, so the
// first-byte latency of refusals counts too) and sets the OpenTelemetry GenAI attributes on the
// request's span itself.
//
// Not here: what a sink does with it (src/app counts it in /metrics and logs it).
// Threading: record() is called on request threads, concurrently; it must not block.
#pragma once

#include <optional>
#include <string>

#include "http/request_context.h"
#include "proxy/usage.h"

namespace aisafe::proxy {

struct ModelCall {
  std::string provider;        // "openai" or "anthropic": which upstream, not which vendor's model
  std::string operation;       // "chat", "embeddings" (OpenTelemetry's gen_ai.operation.name)
  std::string request_model;   // the caller's "model"
  std::string response_model;  // the answer's "model"; empty when the answer had none
  int status = 0;              // the upstream's HTTP status
  double first_byte_seconds = 0;  // from sending the request to the answer's head arriving
  std::optional<TokenUsage> usage;  // nullopt: the upstream reported none
};

class ModelCallSink {
 public:
  virtual ~ModelCallSink() = default;
  virtual void record(const http::RequestContext& ctx, const ModelCall& call) = 0;
};

// Sets gen_ai.system, gen_ai.operation.name, gen_ai.request.model, gen_ai.response.model and
// gen_ai.usage.input_tokens / output_tokens on the request's server span when it records.
void setGenAiAttributes(const http::RequestContext& ctx, const ModelCall& call);

}  // namespace aisafe::proxy
