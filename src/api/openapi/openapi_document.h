// The OpenAPI 3.1 document of the whole API (GET /openapi.json, issue 25). It is generated, not
// written: each path and operation comes from a route spec (api/route_spec.h: method, pattern,
// permission, rate-limit charge, schema names, summary, answer status), the JSON Schemas of the
// bodies are data (openapi/schemas/*.json, one file per area, compiled into the binary), and the
// enums whose values the code owns (scopes, roles, event types, categories, detectors) are read
// from the code (code_schemas.h), so the document cannot drift from what the server accepts.
// What only the document says about a route (query and header parameters, a second answer, a
// provider's error shape) is in schemas/operations.json, keyed by the spec's id.
//
// Not here: serving it (routes/openapi_routes.h), checking answers against it (tests/e2e).
// Built once at start-up; the result is immutable and shared.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "api/route_spec.h"
#include "core/status.h"

namespace aisafe::api {

struct OpenApiInputs {
  std::string version;                 // info.version: aisafe's version
  std::vector<std::string> detectors;  // the registry's detector names (the Detector schema)
};

// The document for `specs`. Errors (each a bug in the shipped data, which the unit test catches):
// a schema defined twice or in a file that is not a JSON object, a spec naming a schema that
// does not exist, an operations.json entry for no spec, a $ref to nothing.
Result<boost::json::object> buildOpenApiDocument(std::span<const RouteSpec> specs,
                                                 const OpenApiInputs& inputs);

}  // namespace aisafe::api
