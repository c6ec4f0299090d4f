// The middleware chain: each middleware sees the request context and request, may answer
// itself (authentication failure, rate limit) or call `next` and look at the response
// (metrics, headers). Order is the order of add(); the router's handler is last.
// Later capabilities (authentication, rate limits, tracing) are middlewares added in src/app.
#pragma once

#include <functional>
#include <vector>

#include "http/router.h"

namespace aisafe::http {

using Next = std::function<Response(RequestContext&, const Request&)>;
using Middleware = std::function<Response(RequestContext&, const Request&, const Next& next)>;

class MiddlewareChain {
 public:
  void add(Middleware m) { middlewares_.push_back(std::move(m)); }

  // Runs every middleware and finally `handler`.
  Response run(RequestContext& ctx, const Request& req, const Handler& handler) const {
    return step(0, ctx, req, handler);
  }

 private:
  Response step(std::size_t i, RequestContext& ctx, const Request& req,
                const Handler& handler) const {
    if (i == middlewares_.size()) return handler(ctx, req);
    return middlewares_[i](
        ctx, req, [&](RequestContext& c, const Request& r) { return step(i + 1, c, r, handler); });
  }

  std::vector<Middleware> middlewares_;
};

}  // namespace aisafe::http
