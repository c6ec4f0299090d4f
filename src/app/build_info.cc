#include "app/build_info.h"

namespace aisafe::app {

void addBuildInfo(Services& s) {
  s.metrics_registry.gaugeFamily("aisafe_build_info", "The running release (always 1)", [] {
    return telemetry::Registry::Samples{{{{"version", AISAFE_VERSION}}, 1.0}};
  });
}

}  // namespace aisafe::app
