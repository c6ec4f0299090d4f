// The HTTP API, one file per area; each adds its routes to the router.
#pragma once

#include "app/services.h"
#include "http/router.h"

namespace aisafe::app {

void addValidationRoutes(http::Router& router,
                         Services& s);  // validate, validate/response, validations
void addPolicyRoutes(http::Router& router, Services& s);  // /api/v1/policies
void addOpsRoutes(http::Router& router, Services& s);     // health, ready, metrics

}  // namespace aisafe::app
