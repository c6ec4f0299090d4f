#include "support/postgres_server.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <system_error>
#include <thread>
#include <utility>

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/free_port.h"
#include "support/process.h"

namespace aisafe::testsupport {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kOsUser = "postgres";
constexpr int kStartAttempts = 3;

// Generous: CI machines are slow and initdb/pg_ctl are the whole setup cost.
constexpr auto kInitdbDeadline = seconds(120);
constexpr auto kPgCtlDeadline = seconds(90);
constexpr auto kReadyDeadline = seconds(15);

bool isExecutable(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

std::string findInPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    fs::path candidate = fs::path(dir) / name;
    if (isExecutable(candidate)) return candidate.string();
  }
  return {};
}

bool hasServerTools(const fs::path& dir) {
  return isExecutable(dir / "initdb") && isExecutable(dir / "pg_ctl");
}

// lchown everything under (and including) root, like chown -R.
bool chownRecursive(const std::string& root, uid_t uid, gid_t gid, std::string& error) {
  if (::lchown(root.c_str(), uid, gid) != 0) {
    error = "chown " + root + ": " + std::strerror(errno);
    return false;
  }
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (::lchown(it->path().c_str(), uid, gid) != 0) {
      error = "chown " + it->path().string() + ": " + std::strerror(errno);
      return false;
    }
  }
  if (ec) {
    error = "chown -R " + root + ": " + ec.message();
    return false;
  }
  return true;
}

bool validDatabaseName(const std::string& name) {
  return !name.empty() && name.size() <= 63 &&
         std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) != 0 || c == '_'; });
}

// Keeps locale-dependent tool output and behaviour identical on every machine.
const EnvVars& toolEnvironment() {
  static const EnvVars env = {{"LC_ALL", "C"}, {"LANG", "C"}};
  return env;
}

}  // namespace

std::string findPostgresBinDir() {
  if (std::string initdb = findInPath("initdb"); !initdb.empty()) {
    // Resolve symlinks (e.g. /usr/local/bin/initdb -> .../15/bin/initdb) so
    // pg_ctl, pg_isready and createdb come from the same installation.
    std::error_code ec;
    fs::path real = fs::canonical(initdb, ec);
    fs::path dir = (ec ? fs::path(initdb) : real).parent_path();
    if (hasServerTools(dir)) return dir.string();
  }

  // Debian/Ubuntu keep server binaries out of PATH, one directory per version.
  std::string best_dir;
  double best_version = -1;
  std::error_code ec;
  for (fs::directory_iterator it("/usr/lib/postgresql", ec), end; !ec && it != end;
       it.increment(ec)) {
    fs::path bin = it->path() / "bin";
    if (!hasServerTools(bin)) continue;
    // strtod orders "9.6" < "10" < "15" correctly.
    double version = std::strtod(it->path().filename().c_str(), nullptr);
    if (version > best_version) {
      best_version = version;
      best_dir = bin.string();
    }
  }
  return best_dir;
}

PostgresServer::PostgresServer(TempDir dir, std::string bin_dir, bool as_postgres_user)
    : temp_dir_(std::move(dir)),
      bin_dir_(std::move(bin_dir)),
      as_postgres_user_(as_postgres_user),
      data_dir_(temp_dir_.path() + "/data"),
      log_path_(temp_dir_.path() + "/setup.log"),
      server_log_path_(temp_dir_.path() + "/postgres.log") {}

std::unique_ptr<PostgresServer> PostgresServer::start(std::string& error) {
  std::string bin_dir = findPostgresBinDir();
  if (bin_dir.empty()) {
    error =
        "PostgreSQL server binaries not found (initdb/pg_ctl neither in PATH "
        "nor in /usr/lib/postgresql/*/bin)";
    return nullptr;
  }
  const bool as_root = ::geteuid() == 0;
  if (as_root && findInPath("runuser").empty()) {
    error = "running as root but runuser is not in PATH (needed to run PostgreSQL as '" +
            std::string(kOsUser) + "')";
    return nullptr;
  }

  TempDir dir("aisafe-pg");
  if (!dir.valid()) {
    error = dir.error();
    return nullptr;
  }

  std::unique_ptr<PostgresServer> server(new PostgresServer(std::move(dir), bin_dir, as_root));
  // From here on the destructor stops whatever was started and cleans up.
  bool ok = server->initialize(error) && server->startOnFreePort(error) &&
            server->waitUntilAccepting(kReadyDeadline, error);
  if (!ok) {
    error += "\n--- " + server->log_path_ + " (tail) ---\n" + readFileTail(server->log_path_) +
             "\n--- " + server->server_log_path_ + " (tail) ---\n" +
             readFileTail(server->server_log_path_);
    return nullptr;
  }
  return server;
}

bool PostgresServer::initialize(std::string& error) {
  if (::mkdir(data_dir_.c_str(), 0700) != 0) {
    error = "mkdir " + data_dir_ + ": " + std::strerror(errno);
    return false;
  }
  if (as_postgres_user_) {
    passwd* pw = ::getpwnam(kOsUser);
    if (pw == nullptr) {
      error = "running as root but there is no '" + std::string(kOsUser) +
              "' user to run PostgreSQL as";
      return false;
    }
    // The postgres user needs to traverse the temp dir, own the data dir, and
    // write the unix socket (-k) and its log next to it, so it gets the whole
    // tree. Root can still write setup.log and delete everything afterwards.
    if (::chmod(temp_dir_.path().c_str(), 0755) != 0) {
      error = "chmod " + temp_dir_.path() + ": " + std::strerror(errno);
      return false;
    }
    if (!chownRecursive(temp_dir_.path(), pw->pw_uid, pw->pw_gid, error)) return false;
  }
  if (!runTool("initdb",
               {"-D", data_dir_, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8",
                "--locale=C"},
               kInitdbDeadline, error)) {
    error = "initdb failed: " + error;
    if (as_postgres_user_) {
      error += " (running as root: every directory above " + temp_dir_.path() +
               " must be traversable by the 'postgres' user; check $TMPDIR)";
    }
    return false;
  }
  return true;
}

bool PostgresServer::startOnFreePort(std::string& error) {
  // freePort() releases the port before postgres binds it, so another process
  // can occasionally win the race; a fresh port on retry fixes that.
  for (int attempt = 1; attempt <= kStartAttempts; ++attempt) {
    int port = freePort();
    if (port <= 0) {
      error = "could not find a free TCP port";
      return false;
    }
    // pg_ctl hands -o to the postmaster through /bin/sh, hence the quoting.
    std::string options = "-p " + std::to_string(port) + " -k '" + temp_dir_.path() +
                          "' -c listen_addresses=127.0.0.1 -c fsync=off"
                          " -c synchronous_commit=off -c full_page_writes=off";
    std::string attempt_error;
    if (runTool("pg_ctl",
                {"start", "-D", data_dir_, "-w", "-t", "60", "-l", server_log_path_, "-o", options},
                kPgCtlDeadline, attempt_error)) {
      port_ = port;
      started_ = true;
      return true;
    }
    error = "pg_ctl start failed (attempt " + std::to_string(attempt) + ", port " +
            std::to_string(port) + "): " + attempt_error;
  }
  return false;
}

bool PostgresServer::restart(std::string& error) {
  if (started_) {
    return true;
  }
  std::string options = "-p " + std::to_string(port_) + " -k '" + temp_dir_.path() +
                        "' -c listen_addresses=127.0.0.1 -c fsync=off"
                        " -c synchronous_commit=off -c full_page_writes=off";
  if (!runTool("pg_ctl",
               {"start", "-D", data_dir_, "-w", "-t", "60", "-l", server_log_path_, "-o", options},
               kPgCtlDeadline, error)) {
    return false;
  }
  started_ = true;
  return waitUntilAccepting(std::chrono::seconds(30), error);
}

bool PostgresServer::waitUntilAccepting(std::chrono::milliseconds timeout, std::string& error) {
  // pg_ctl -w already waited for the "ready" state; pg_isready confirms that
  // TCP connections on our port are really accepted before tests use it.
  const std::string pg_isready = bin_dir_ + "/pg_isready";
  if (!isExecutable(pg_isready)) return true;

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    std::string run_error;
    auto status = runProcess({pg_isready, "-q", "-h", "127.0.0.1", "-p", std::to_string(port_),
                              "-U", "postgres", "-d", "postgres", "-t", "2"},
                             toolEnvironment(), log_path_, seconds(10), run_error);
    if (status && *status == 0) return true;
    if (std::chrono::steady_clock::now() >= deadline) {
      error = "PostgreSQL on port " + std::to_string(port_) + " not accepting connections after " +
              std::to_string(timeout.count()) + " ms" + (run_error.empty() ? "" : ": " + run_error);
      return false;
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
}

bool PostgresServer::runTool(const std::string& tool, const std::vector<std::string>& args,
                             std::chrono::milliseconds deadline, std::string& error) const {
  std::vector<std::string> argv;
  if (as_postgres_user_) argv = {"runuser", "-u", kOsUser, "--"};
  argv.push_back(bin_dir_ + "/" + tool);
  argv.insert(argv.end(), args.begin(), args.end());

  // Run inside the temp dir: the postgres user may not be able to enter the
  // caller's working directory (e.g. /root), which makes the tools complain.
  auto status = runProcess(argv, toolEnvironment(), log_path_, deadline, error, temp_dir_.path());
  if (!status) return false;
  if (*status != 0) {
    error = tool + " exited with status " + std::to_string(*status);
    return false;
  }
  return true;
}

std::string PostgresServer::url(const std::string& db) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

std::string PostgresServer::createDatabase(const std::string& name, std::string* error) {
  std::string reason;
  if (!validDatabaseName(name)) {
    reason = "invalid database name '" + name + "' (use [A-Za-z0-9_], at most 63 chars)";
  } else {
    // A client over TCP with trust auth and -U postgres: which OS user runs it
    // does not matter, so no runuser is needed here.
    auto status = runProcess({bin_dir_ + "/createdb", "-h", "127.0.0.1", "-p",
                              std::to_string(port_), "-U", "postgres", name},
                             toolEnvironment(), log_path_, seconds(60), reason);
    if (status && *status == 0) return url(name);
    if (status) {
      reason = "createdb " + name + " exited with status " + std::to_string(*status) + ":\n" +
               readFileTail(log_path_, 1024);
    }
  }
  if (error != nullptr) *error = reason;
  return {};
}

PostgresServer::~PostgresServer() { stopNow(); }

void PostgresServer::stop() {
  if (!started_) return;
  std::string error;
  if (runTool("pg_ctl", {"stop", "-D", data_dir_, "-m", "fast", "-w", "-t", "30"},
              kPgCtlDeadline, error)) {
    started_ = false;
    return;
  }
  stopNow();
}

void PostgresServer::stopNow() {
  if (!started_) return;
  started_ = false;
  std::string error;
  if (runTool("pg_ctl", {"stop", "-D", data_dir_, "-m", "immediate", "-w", "-t", "30"},
              kPgCtlDeadline, error)) {
    return;
  }
  // Last resort so a broken stop never leaves a postmaster running on the
  // machine: the first line of postmaster.pid is its pid.
  std::string pid_text = readFile(data_dir_ + "/postmaster.pid");
  long pid = std::strtol(pid_text.c_str(), nullptr, 10);
  if (pid > 1) ::kill(static_cast<pid_t>(pid), SIGKILL);
}

}  // namespace aisafe::testsupport
