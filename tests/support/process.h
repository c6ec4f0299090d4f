// Child processes for tests: spawn a program (posix_spawn) with extra
// environment variables and its output captured in a log file, then signal,
// wait for or kill it. Nothing here throws; failures are reported via values.
#pragma once

#include <chrono>
#include <climits>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace aisafe::testsupport {

// Environment overrides, applied on top of the parent's environment.
using EnvVars = std::vector<std::pair<std::string, std::string>>;

// Exit status recorded when the child was reaped by someone else (ECHILD),
// so the real status is unknowable.
inline constexpr int kUnknownExitStatus = INT_MIN;

class ChildProcess {
 public:
  // Starts argv[0] (looked up in PATH when it contains no '/') with the
  // parent environment plus `env` (later entries win). stdin is /dev/null;
  // stdout and stderr are appended to `log_path`. `working_dir` empty means
  // inherit. Returns nullptr and sets `error` on failure.
  static std::unique_ptr<ChildProcess> spawn(const std::vector<std::string>& argv,
                                             const EnvVars& env, const std::string& log_path,
                                             std::string& error,
                                             const std::string& working_dir = {});

  // Kills (SIGKILL) and reaps the child if it is still running.
  ~ChildProcess();

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // True until the child has exited (reaps it as a side effect).
  bool running();

  // Sends `sig`; returns 0 or an errno value (ESRCH once the child is reaped).
  int signal(int sig);

  // Waits up to `deadline` for the child to exit. Returns its exit code, or
  // -N if it was killed by signal N; nullopt if still running at the deadline.
  std::optional<int> waitExit(std::chrono::milliseconds deadline);

  // SIGKILL then reap; no-op if already exited.
  void kill();

  // Status recorded once the child has been reaped.
  std::optional<int> exitStatus() const { return status_; }

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  bool reap(bool block);

  pid_t pid_;
  std::optional<int> status_;
};

// Spawns argv and waits up to `deadline` for it to finish. Returns the exit
// status as ChildProcess::waitExit does; nullopt (with `error` set) if it
// could not be started or had to be killed at the deadline.
std::optional<int> runProcess(const std::vector<std::string>& argv, const EnvVars& env,
                              const std::string& log_path, std::chrono::milliseconds deadline,
                              std::string& error, const std::string& working_dir = {});

// Whole file contents, or "" if it cannot be read.
std::string readFile(const std::string& path);

// Last `max_bytes` of a file (for quoting logs in failure messages).
std::string readFileTail(const std::string& path, std::size_t max_bytes = 4096);

}  // namespace aisafe::testsupport
