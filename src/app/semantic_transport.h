// The semantic detector's transport over HTTP: detectors/semantic declares what it needs
// (detectors/semantic/transport.h), app supplies it from the http module, because app is the only
// place that knows both. Connections to the service are kept alive in a pool of its own.
#pragma once

#include <memory>

#include "detectors/semantic/transport.h"

namespace aisafe::app {

std::unique_ptr<const detectors::semantic::Transport> makeHttpSemanticTransport();

}  // namespace aisafe::app
