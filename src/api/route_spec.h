// Every route of the API as data: one spec per route, in one table (route_specs.cc). The router
// is built from it (route_handlers.h: a handler is attached to a spec by its id), the
// authentication middleware reads its permission, the rate-limit middleware its charge, and the
// OpenAPI document (openapi/openapi_document.h) its schemas, answer status and summary. A route
// cannot exist without a spec, nor a spec without a handler: building the router fails at start-up.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>

#include "auth/permissions.h"
#include "http/request_context.h"
#include "http/router.h"

namespace aisafe::api {

// What the per-organization and per-API-key rate limits charge a request.
enum class RateLimitCharge {
  kExempt,                // platform operations: reachable when the organization is at its limit
  kRequest,               // one request
  kRequestAndCharacters,  // one request, and the body's characters (what the scan will read)
};

struct RouteSpec {
  std::string_view id;  // unique, stable: the handler's name and the OpenAPI operationId
  boost::beast::http::verb method;
  std::string_view pattern;  // "/api/v1/policies/{id}"
  auth::Permission permission;
  http::Execution execution;  // the lane it runs on
  RateLimitCharge rate_limit;
  std::string_view request_schema;   // "" when the route takes no body
  std::string_view response_schema;  // "" when it answers 204 or plain text
  std::string_view summary;
  // The answer when all goes well (201 for a creation, 204 with no body): what the OpenAPI
  // document lists beside the error answers. Left out in the table when it is 200.
  boost::beast::http::status success = boost::beast::http::status::ok;
};

// Every route, in the order the router tries them.
std::span<const RouteSpec> routeSpecs();

// The spec of the route a request matched (its router tag), or null when none did (404, 405).
const RouteSpec* routeSpecOf(const http::RequestContext& ctx);

// The spec with `id`, or null.
const RouteSpec* findRouteSpec(std::string_view id);

}  // namespace aisafe::api
