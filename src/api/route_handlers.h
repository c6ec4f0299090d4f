// The handlers of the routes, attached to their specs by id (route_spec.h), and the router built
// from both. Each area of the API adds its handlers (app/routes.h); build() then checks that
// every spec has a handler and every handler a spec, and gives the router the spec's method,
// pattern and lane, with the spec's index as the route's tag (routeSpecOf reads it back).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/status.h"
#include "http/router.h"

namespace aisafe::api {

class RouteHandlers {
 public:
  void handle(std::string_view id, http::Handler handler);
  // For handlers that may suspend (RequestContext::offload); the spec's lane must be inline.
  void handleAsync(std::string_view id, http::AsyncHandler handler);

  // Errors: a spec without a handler, a handler without a spec, an id handled twice, an async
  // handler on a route whose spec does not run inline.
  Result<http::Router> build() const;

 private:
  struct Entry {
    http::Handler handler;
    http::AsyncHandler async_handler;
  };
  std::map<std::string, Entry, std::less<>> entries_;
  std::string duplicate_;  // the first id handled twice
};

}  // namespace aisafe::api
