// The answers that reach a proxy route's caller before its handler runs (authentication 401/403,
// rate limits 429, the server's own 4xx) are in aisafe's error shape, {"error": {"code",
// "message", "request_id"}}. The SDKs pointed at the proxy read their provider's shape, so this
// middleware, first in the chain, rewrites such answers on the proxy's routes: OpenAI's routes
// get "type" (and "param"), Anthropic's the {"type": "error", "error": {"type", ...}} envelope.
// Status, headers (WWW-Authenticate, Retry-After), code, message and request_id are kept.
// Answers already in the provider's shape, and every other route, pass as they are.
#pragma once

#include "http/middleware.h"

namespace aisafe::proxy {

http::Middleware providerErrorShapes();

// The rewrite itself, for one answer of a route of `provider` ("openai" or "anthropic").
http::Response inProviderShape(http::Response res, std::string_view provider);

}  // namespace aisafe::proxy
