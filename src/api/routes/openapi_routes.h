// GET /openapi.json: the API's OpenAPI 3.1 document (openapi/openapi_document.h), built once
// when the routes are added (at start-up) and served as the same bytes to every caller.
#pragma once

#include "api/openapi/openapi_document.h"
#include "api/route_handlers.h"

namespace aisafe::api {

// Builds the document for every route spec. Should that fail (a bug in the shipped schema
// files, which tests/unit/api/openapi_document_test.cc rules out), the route answers 500 with
// the reason and the rest of the API runs.
void addOpenApiRoutes(RouteHandlers& routes, const OpenApiInputs& inputs);

}  // namespace aisafe::api
