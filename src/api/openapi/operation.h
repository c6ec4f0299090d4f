// One route spec as an OpenAPI operation object: its id, summary and a description saying who
// may call it (the permission, and which roles and API key scopes hold it), security, path
// parameters read from the pattern, the request body, the answer the spec names and the error
// answers the route can give, all in one shape (#/components/responses/Error). Extras from
// schemas/operations.json (parameters, responses, error schema, description) are applied last.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "api/route_spec.h"

namespace aisafe::api {

// `extras` is the spec's entry of operations.json, or null.
boost::json::object operationFor(const RouteSpec& spec, const boost::json::object* extras);

// The names inside {} of a pattern: "/api/v1/webhooks/{id}/deliveries/{delivery_id}" gives
// id and delivery_id.
std::vector<std::string> pathParameters(std::string_view pattern);

}  // namespace aisafe::api
