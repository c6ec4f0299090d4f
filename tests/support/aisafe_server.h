// Runs the real aisafe binary for integration tests: `aisafe serve` on an
// OS-chosen port in its own temp dir (SQLite database, log file), waits until
// GET /health answers 200, and stops/kills it again.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <signal.h>

#include "support/http_client.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace aisafe::testsupport {

class AisafeServer {
 public:
  // Starts `<binary> serve --host 127.0.0.1 --port 0 --port-file <dir>/port
  // [extra_args...]` with `env` on top of the test's environment; unless
  // given, DATABASE_URL=sqlite://<dir>/aisafe.db and LOG_LEVEL=warn. Returns
  // nullptr with a reason (including the server log tail) if it does not
  // become healthy within 15 s.
  static std::unique_ptr<AisafeServer> start(
      const std::vector<std::pair<std::string, std::string>>& env, std::string& error,
      std::vector<std::string> extra_args = {});

  // Kills the server (SIGKILL) if it is still running.
  ~AisafeServer();

  AisafeServer(const AisafeServer&) = delete;
  AisafeServer& operator=(const AisafeServer&) = delete;

  int port() const { return port_; }
  HttpClient client() const { return HttpClient(port_); }
  // A client signed in as the platform admin that start() bootstraps (kAdminEmail), in the
  // default organization. Logs in on first use.
  HttpClient adminClient();
  static constexpr const char* kAdminEmail = "admin@test.local";
  static constexpr const char* kAdminPassword = "test-admin-password";
  const std::string& logPath() const { return log_path_; }
  std::string dataDir() const { return temp_dir_.path(); }
  ChildProcess& process() { return *process_; }

  // Sends `sig` and waits up to 15 s; returns the exit status (-N for death
  // by signal N). If it does not exit in time it is SIGKILLed (-9 returned).
  int stop(int sig = SIGTERM);

 private:
  AisafeServer(TempDir dir, std::unique_ptr<ChildProcess> process, std::string log_path);
  bool waitHealthy(const std::string& port_file, std::string& error);

  TempDir temp_dir_;  // declared first: destroyed after the process is gone
  std::unique_ptr<ChildProcess> process_;
  std::string log_path_;
  int port_ = 0;
  std::string admin_token_;
};

// Path of the aisafe binary: the AISAFE_BINARY compile definition, else the
// AISAFE_BINARY environment variable; "" if neither is set.
std::string aisafeBinaryPath();

}  // namespace aisafe::testsupport
