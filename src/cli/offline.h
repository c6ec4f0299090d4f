// What the offline commands (scan, eval) share: the detector registry built from the environment
// without writing under ./data, and a policy read from a file.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "detect/registry.h"
#include "policy/policy.h"

namespace aisafe::cli {

// Where the offline commands keep compiled rules (decision 0006's on-disk cache), so that only
// the first run on a machine pays the compile (seconds) and later runs load it (milliseconds):
// COMPILED_RULES_CACHE_DIR when set (environment or ./.env; empty: no disk cache), otherwise
// $XDG_CACHE_HOME/aisafe/compiled-rules, otherwise ~/.cache/aisafe/compiled-rules — never
// ./data, which belongs to the server. Empty when neither XDG_CACHE_HOME (absolute) nor HOME is
// set, or when the directory cannot be created; the latter is said once on stderr.
std::string offlineCacheDir();

// The registry with the rules compiled or loaded through offlineCacheDir().
Result<std::shared_ptr<const detect::Registry>> loadOfflineRegistry();

// The policy in the JSON file at `path`, or the default policy when `path` is null. Errors name
// the file and what is wrong with it.
Result<policy::PolicySpec> loadPolicyFile(const char* path, const detect::Registry& registry);

}  // namespace aisafe::cli
