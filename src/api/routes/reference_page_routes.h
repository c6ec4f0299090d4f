// GET /docs: the API reference page (issue 25), Swagger UI rendering /openapi.json, and
// GET /docs/{file}: its script, style sheet and start-up script. The files are compiled into the
// binary when it is built with npm present (src/api/CMakeLists.txt fetches swagger-ui-dist with
// `npm ci`), so the page works offline and loads nothing from elsewhere; its
// Content-Security-Policy allows scripts from this origin only. Built without npm, /docs answers
// 404 saying so, and the rest of the API is unchanged.
#pragma once

#include "api/route_handlers.h"

namespace aisafe::api {

void addReferencePageRoutes(RouteHandlers& routes);

}  // namespace aisafe::api
