#pragma once

#include <memory>

#include "auth/oidc.h"
#include "core/config.h"
#include "core/status.h"
#include "telemetry/span.h"

namespace aisafe::app {

// The verifier for OIDC_ISSUER's tokens, or null when single sign-on is off. Errors: a bad
// OIDC_ROLE_MAP (a start-up error). Each key fetch is a client span of `tracer` (may be null).
Result<std::unique_ptr<auth::OidcVerifier>> createSsoVerifier(const Config& config,
                                                              const telemetry::Tracer* tracer);

}  // namespace aisafe::app
