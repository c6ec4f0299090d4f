// The middleware chain: each middleware sees the request context and request, may answer
// itself (authentication failure, rate limit) or co_await `next` and look at the response
// (metrics, headers). Order is the order of add(); the route's handler is last.
// Middlewares are coroutines so that a handler may suspend (a remote detector's call on the
// outbound lane, see RequestContext::offload) without holding the I/O thread; a middleware
// that does not suspend costs one coroutine frame per request.
// Later capabilities (authentication, rate limits, tracing) are middlewares added in src/app.
#pragma once

#include <functional>
#include <vector>

#include "http/router.h"

namespace aisafe::http {

using Next = std::function<awaitable<Response>(RequestContext&, const Request&)>;
using Middleware =
    std::function<awaitable<Response>(RequestContext&, const Request&, const Next& next)>;

class MiddlewareChain {
 public:
  void add(Middleware m) { middlewares_.push_back(std::move(m)); }

  // Runs every middleware and finally `last` (the route's handler).
  awaitable<Response> run(RequestContext& ctx, const Request& req, const Next& last) const {
    return step(0, ctx, req, last);
  }

 private:
  awaitable<Response> step(std::size_t i, RequestContext& ctx, const Request& req,
                           const Next& last) const {
    if (i == middlewares_.size()) {
      co_return co_await last(ctx, req);
    }
    const Next next = [this, i, &last](RequestContext& c, const Request& r) {
      return step(i + 1, c, r, last);
    };
    co_return co_await middlewares_[i](ctx, req, next);
  }

  std::vector<Middleware> middlewares_;
};

}  // namespace aisafe::http
