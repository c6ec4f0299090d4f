// A real redis-server for tests: started on a free port in a temp dir, no persistence. Tests
// can stop it (Redis down), freeze it with SIGSTOP (Redis hanging: connections accepted by the
// kernel, nothing answered) and thaw it again.
#pragma once

#include <memory>
#include <string>

#include "support/process.h"
#include "support/temp_dir.h"

namespace aisafe::testsupport {

class RedisServer {
 public:
  // nullptr with `error` set when redis-server is missing or does not answer PING in 10 s.
  static std::unique_ptr<RedisServer> start(std::string& error);
  ~RedisServer();

  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  void freeze();  // SIGSTOP
  void thaw();    // SIGCONT
  void kill();    // SIGKILL: Redis is gone
  // Starts it again on the same port, empty (a Redis restart loses everything).
  bool restart(std::string& error);

 private:
  RedisServer(TempDir dir, int port) : dir_(std::move(dir)), port_(port) {}
  bool launch(std::string& error);

  TempDir dir_;
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace aisafe::testsupport
