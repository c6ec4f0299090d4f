// What the offline commands (scan, eval) share: the detector registry built from the environment
// without writing under ./data, and a policy read from a file.
#pragma once

#include <memory>

#include "core/status.h"
#include "detect/registry.h"
#include "policy/policy.h"

namespace aisafe::cli {

// Compiled rules are kept only where COMPILED_RULES_CACHE_DIR says, never in ./data.
Result<std::shared_ptr<const detect::Registry>> loadOfflineRegistry();

// The policy in the JSON file at `path`, or the default policy when `path` is null. Errors name
// the file and what is wrong with it.
Result<policy::PolicySpec> loadPolicyFile(const char* path, const detect::Registry& registry);

}  // namespace aisafe::cli
