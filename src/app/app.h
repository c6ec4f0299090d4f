// The one place that knows every module: builds the services from the configuration, wires
// the HTTP routes and middlewares, runs the server until SIGTERM/SIGINT and shuts down in order
// (stop accepting, finish in-flight requests, flush the audit queue).
#pragma once

#include <memory>

#include "app/services.h"

namespace aisafe::app {

class App {
 public:
  // Opens the database, migrates (unless MIGRATE_ON_START=false), loads rules and policies.
  static Result<std::unique_ptr<App>> create(const Config& config);
  ~App();

  // Serves until SIGTERM or SIGINT. `port_file`: where to write the bound port (tests, port 0).
  // Returns the process exit code.
  int serve(const std::string& port_file);
  // Runs the background jobs without the HTTP server (webhook delivery, audit retention, and
  // the cache's cross-replica announcements), until SIGTERM or SIGINT: workers scale apart
  // from servers.
  int work();

  Services& services() { return services_; }

 private:
  App() = default;
  Services services_;
};

// Blocks SIGINT and SIGTERM in the calling thread and every thread it starts afterwards, so
// that serve()'s sigwait() receives them instead of the default action killing the process
// (the audit writer and pools start threads in create()). Call first thing in main's thread.
void blockShutdownSignals();

// Rules from RULES_DIR or the embedded copies; shared by serve and the offline commands.
// The detector registry; `semantic` is the remote detector's client (null: not configured, as
// in the offline commands).
Result<std::shared_ptr<const detect::Registry>> loadRegistry(
    const Config& config, std::shared_ptr<const detectors::semantic::Client> semantic = nullptr);

}  // namespace aisafe::app
