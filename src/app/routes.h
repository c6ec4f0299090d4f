// The HTTP API (src/api) wired to the running services: each area of routes and each
// middleware is given the few services it uses, taken from Services. The areas and middlewares
// themselves know nothing of Services.
#pragma once

#include "api/middleware/auth_middleware.h"
#include "api/middleware/rate_limit_middleware.h"
#include "api/route_handlers.h"
#include "app/services.h"

namespace aisafe::app {

// Every area's handlers: the one list of areas (all_routes.cc), for the router and its test.
// The handlers keep references into `s`, which must be fully built (App::create).
api::RouteHandlers allRouteHandlers(Services& s);

// What the authentication and rate-limit middlewares use, from `s` (middleware_wiring.cc).
api::AuthMiddlewareDeps authMiddlewareDeps(Services& s);
api::RateLimitMiddlewareDeps rateLimitMiddlewareDeps(Services& s);

}  // namespace aisafe::app
