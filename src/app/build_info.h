// aisafe_build_info{version} 1: which release each process runs, so dashboards can tell
// replicas apart during a rolling upgrade and join any series on the version.
#pragma once

#include "app/services.h"

namespace aisafe::app {

void addBuildInfo(Services& s);

}  // namespace aisafe::app
