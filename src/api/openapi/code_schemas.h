// The schemas of the OpenAPI document whose values the code owns: API key scopes and roles
// (auth/permissions.h), webhook event types (webhooks/endpoint_service.h), finding categories
// (policy/policy.h) and the registry's detectors. Read from the same lists the server checks
// requests against, so the document's enums change when the code does. The JSON schema files
// refer to them by name ("#/components/schemas/Scope").
#pragma once

#include <boost/json/object.hpp>

#include "api/openapi/openapi_document.h"

namespace aisafe::api {

// {"Scope": {...}, "Role": {...}, "EventType": {...}, "Category": {...}, "Detector": {...}}.
boost::json::object codeOwnedSchemas(const OpenApiInputs& inputs);

}  // namespace aisafe::api
