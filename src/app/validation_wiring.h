// The validation service wired into the app: its dependencies, its settings from the config,
// and the decision sinks it reports to.
#pragma once

#include "app/services.h"

namespace aisafe::app {

// After the policies, the cache, the audit writer, the webhook events and the metrics exist.
void createValidationService(Services& s);

}  // namespace aisafe::app
