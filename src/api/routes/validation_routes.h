// POST /api/v1/validate, POST /api/v1/validate/response (parse, ask the validation service,
// render), GET /api/v1/validations (the audit trail), POST /api/v1/canary
// (docs/output-leaks.md).
#pragma once

#include "api/route_handlers.h"
#include "detect/registry.h"
#include "detectors/canary/canary_token.h"
#include "storage/validation_repository.h"
#include "validation/validation_service.h"

namespace aisafe::api {

struct ValidationRouteDeps {
  validation::ValidationService& validation;
  storage::ValidationRepository& validations;
  const detect::Registry& registry;  // the detector names the audit trail can be filtered by
  const detectors::canary::CanaryKey& canary_key;
};

// The handlers keep `deps` (its references must outlive the router).
void addValidationRoutes(RouteHandlers& routes, ValidationRouteDeps deps);

}  // namespace aisafe::api
