#include "support/process.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace aisafe::testsupport {
namespace {

// Parent environment with overrides applied, as "NAME=value" strings.
std::vector<std::string> mergedEnvironment(const EnvVars& overrides) {
  std::map<std::string, std::string> vars;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    auto eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    vars.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  for (const auto& [name, value] : overrides) vars[name] = value;

  std::vector<std::string> result;
  result.reserve(vars.size());
  for (const auto& [name, value] : vars) result.push_back(name + "=" + value);
  return result;
}

std::vector<char*> cStrings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

int decodeWaitStatus(int raw) {
  if (WIFEXITED(raw)) return WEXITSTATUS(raw);
  if (WIFSIGNALED(raw)) return -WTERMSIG(raw);
  return kUnknownExitStatus;
}

// RAII for the posix_spawn attribute objects so every early return cleans up.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

}  // namespace

std::unique_ptr<ChildProcess> ChildProcess::spawn(const std::vector<std::string>& argv,
                                                  const EnvVars& env, const std::string& log_path,
                                                  std::string& error,
                                                  const std::string& working_dir) {
  if (argv.empty()) {
    error = "spawn: empty argv";
    return nullptr;
  }

  SpawnSetup setup;
  int rc = posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (rc == 0) {
    // O_APPEND so several commands (initdb, pg_ctl, ...) can share one log.
    rc = posix_spawn_file_actions_addopen(&setup.actions, STDOUT_FILENO, log_path.c_str(),
                                          O_WRONLY | O_CREAT | O_APPEND, 0644);
  }
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&setup.actions, STDOUT_FILENO, STDERR_FILENO);
  // Sockets and files the test process has open (often without CLOEXEC, e.g.
  // Asio sockets) must not leak into the child: a child holding a client
  // connection open would hide the server closing it.
  if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&setup.actions, STDERR_FILENO + 1);
  if (rc == 0 && !working_dir.empty()) {
    rc = posix_spawn_file_actions_addchdir_np(&setup.actions, working_dir.c_str());
  }

  // Blocked signals and ignored dispositions survive exec; reset them so
  // stop()/kill() with SIGTERM/SIGINT behave as they would for a real server.
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD}) {
    sigaddset(&default_signals, sig);
  }
  if (rc == 0) rc = posix_spawnattr_setsigmask(&setup.attr, &empty_mask);
  if (rc == 0) rc = posix_spawnattr_setsigdefault(&setup.attr, &default_signals);
  if (rc == 0) {
    rc = posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  if (rc != 0) {
    error = std::string("spawn setup failed: ") + std::strerror(rc);
    return nullptr;
  }

  std::vector<std::string> args = argv;
  std::vector<std::string> environment = mergedEnvironment(env);
  std::vector<char*> c_args = cStrings(args);
  std::vector<char*> c_env = cStrings(environment);

  pid_t pid = -1;
  rc = posix_spawnp(&pid, c_args[0], &setup.actions, &setup.attr, c_args.data(), c_env.data());
  if (rc != 0) {
    error = "cannot start " + argv[0] + ": " + std::strerror(rc) + " (log: " + log_path + ")";
    return nullptr;
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid));
}

ChildProcess::~ChildProcess() { kill(); }

bool ChildProcess::reap(bool block) {
  if (status_) return true;
  int raw = 0;
  pid_t result;
  do {
    result = ::waitpid(pid_, &raw, block ? 0 : WNOHANG);
  } while (result < 0 && errno == EINTR);

  if (result == pid_) {
    status_ = decodeWaitStatus(raw);
    return true;
  }
  if (result < 0 && errno == ECHILD) {
    // Reaped elsewhere (e.g. SIGCHLD set to SIG_IGN); treat as exited so we
    // never signal a pid that may have been reused.
    status_ = kUnknownExitStatus;
    return true;
  }
  return false;
}

bool ChildProcess::running() { return !reap(false); }

int ChildProcess::signal(int sig) {
  if (!running()) return ESRCH;
  return ::kill(pid_, sig) == 0 ? 0 : errno;
}

std::optional<int> ChildProcess::waitExit(std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  // Short polling keeps this portable (no pidfd/SIGCHLD plumbing) while
  // adding at most a few milliseconds of latency.
  while (!reap(false)) {
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

void ChildProcess::kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  reap(true);
}

std::optional<int> runProcess(const std::vector<std::string>& argv, const EnvVars& env,
                              const std::string& log_path, std::chrono::milliseconds deadline,
                              std::string& error, const std::string& working_dir) {
  auto child = ChildProcess::spawn(argv, env, log_path, error, working_dir);
  if (!child) return std::nullopt;
  if (auto status = child->waitExit(deadline)) return status;
  child->kill();
  error =
      argv[0] + " did not finish within " + std::to_string(deadline.count()) + " ms and was killed";
  return std::nullopt;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::string readFileTail(const std::string& path, std::size_t max_bytes) {
  std::string contents = readFile(path);
  if (contents.size() <= max_bytes) return contents;
  return "..." + contents.substr(contents.size() - max_bytes);
}

}  // namespace aisafe::testsupport
