// The guarded model proxy (issue 23): OpenAI-compatible routes under /v1 that scan the whole
// conversation with the validation service before it reaches the model, and the model's answer
// before it reaches the caller. The caller authenticates with its aisafe API key (scope
// `proxy`); rate limits, audit, events and metrics are those of every validation.
//
// Not here: the HTTP server, authentication and rate limits (middlewares in src/app read the
// routes' specs), the detectors (the validation service's policy pipeline).
// Threading: one Proxy is shared by every I/O thread; each call runs on its request's coroutine.
#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>

#include "api/route_handlers.h"
#include "http/outbound_stream.h"
#include "http/response.h"
#include "proxy/model_call.h"
#include "proxy/proxy_settings.h"
#include "proxy/upstream.h"
#include "resilience/circuit_breaker.h"
#include "validation/validation_service.h"

namespace aisafe::proxy {

class Proxy {
 public:
  // `validation`, `breakers` and `calls` outlive the proxy. The upstreams' breakers are named
  // "proxy:openai" and "proxy:anthropic". `calls` is told of every upstream answer (model,
  // tokens, first-byte latency; model_call.h); null: nobody is.
  Proxy(ProxySettings settings, validation::ValidationService& validation,
        resilience::BreakerRegistry& breakers, ModelCallSink* calls = nullptr);

  // POST /v1/chat/completions. X-Aisafe-Policy names the policy (else the organization's default).
  boost::asio::awaitable<http::Response> chatCompletions(http::RequestContext& ctx,
                                                         const http::Request& req);
  // POST /anthropic/v1/messages (Anthropic's Messages API, not streamed), scanned as chat
  // completions are; errors in Anthropic's shape (anthropic_messages.cc).
  boost::asio::awaitable<http::Response> anthropicMessages(http::RequestContext& ctx,
                                                           const http::Request& req);
  // POST /v1/embeddings: every input scanned as a prompt (embeddings_scan.h); the vectors pass
  // through.
  boost::asio::awaitable<http::Response> embeddings(http::RequestContext& ctx,
                                                    const http::Request& req);
  // GET /v1/models, passed through.
  boost::asio::awaitable<http::Response> listModels(http::RequestContext& ctx,
                                                    const http::Request& req);

  const ProxySettings& settings() const { return settings_; }

 private:
  // The span's GenAI attributes and the sink: once per upstream answer.
  void report(const http::RequestContext& ctx, const ModelCall& call) const;

  const ProxySettings settings_;
  validation::ValidationService& validation_;
  ModelCallSink* calls_;
  http::OutboundStreamClient client_;
  Upstream openai_;
  Upstream anthropic_;
};

// Attaches the proxy's handlers to their route specs (chatCompletions, createEmbeddings,
// listModels, anthropicMessages). `proxy` is
// read when a request comes, so the routes exist before the proxy is built (the route tests
// build them with no services at all).
void addProxyRoutes(api::RouteHandlers& routes, const std::unique_ptr<Proxy>& proxy);

}  // namespace aisafe::proxy
