#pragma once

#include <memory>

#include "auth/oidc.h"
#include "core/config.h"
#include "core/status.h"

namespace aisafe::app {

// The verifier for OIDC_ISSUER's tokens, or null when single sign-on is off. Errors: a bad
// OIDC_ROLE_MAP (a start-up error).
Result<std::unique_ptr<auth::OidcVerifier>> createSsoVerifier(const Config& config);

}  // namespace aisafe::app
