// The secret that signs access tokens (and from which the webhook and canary keys derive).
#pragma once

#include <string>

#include "core/config.h"
#include "core/status.h"

namespace aisafe::app {

// SECRET_KEY, or for the embedded default a key generated once into SECRET_KEY_FILE. Refuses to
// generate one for PostgreSQL (replicas must share it).
Result<std::string> resolveSecretKey(const Config& config);

}  // namespace aisafe::app
