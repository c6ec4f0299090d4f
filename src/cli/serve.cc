#include <cstdio>

#include "app/app.h"
#include "cli/commands.h"
#include "telemetry/logging.h"

namespace aisafe::cli {

int serve(const char* host, int port, const char* port_file) {
  app::blockShutdownSignals();
  auto config = loadConfigFromProcess();
  if (!config) {
    std::fprintf(stderr, "aisafe: %s\n", config.status().message().c_str());
    return 2;
  }
  if (host != nullptr) {
    config->host = host;
  }
  if (port >= 0) {
    config->port = static_cast<std::uint16_t>(port);
  }
  telemetry::setupLogging(config->log_level, config->log_format);
  auto app = app::App::create(*config);
  if (!app) {
    telemetry::logError("cannot start", {{"error", app.status().message()}});
    std::fprintf(stderr, "aisafe: cannot start: %s\n", app.status().message().c_str());
    return 1;
  }
  return (*app)->serve(port_file);
}

int worker() {
  app::blockShutdownSignals();
  auto config = loadConfigFromProcess();
  if (!config) {
    std::fprintf(stderr, "aisafe: %s\n", config.status().message().c_str());
    return 2;
  }
  telemetry::setupLogging(config->log_level, config->log_format);
  auto app = app::App::create(*config);
  if (!app) {
    telemetry::logError("cannot start", {{"error", app.status().message()}});
    std::fprintf(stderr, "aisafe: cannot start: %s\n", app.status().message().c_str());
    return 1;
  }
  return (*app)->work();
}

}  // namespace aisafe::cli
