// Throwaway PostgreSQL cluster for tests: initdb + pg_ctl in a temp dir on a
// free loopback port, stopped and deleted again by the destructor. When run
// as root (CI containers) the server runs as the 'postgres' user via runuser,
// because PostgreSQL refuses to run as root.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace aisafe::testsupport {

class PostgresServer {
 public:
  // Creates and starts a cluster (trust auth, superuser "postgres"). Returns
  // nullptr with a reason (including the tail of the setup log) on failure.
  static std::unique_ptr<PostgresServer> start(std::string& error);

  // pg_ctl stop -m immediate, then removes the temp dir.
  ~PostgresServer();

  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // "postgresql://postgres@127.0.0.1:PORT/DB"
  std::string url(const std::string& db = "postgres") const;

  // Creates database `name` ([A-Za-z0-9_], at most 63 chars) and returns its
  // url, or "" on failure (reason in *error if given).
  std::string createDatabase(const std::string& name, std::string* error = nullptr);

  // Stops the server and starts it again on the same port and data: for tests of database
  // outages. A fast shutdown drops every connection as an outage does, but first writes out
  // what was committed: the test clusters run with synchronous_commit=off, so an immediate one
  // (a crash) would lose the last acknowledged commits, such as the session a test just
  // logged in with, and the test would see 401 after the restart instead of its data.
  void stop();
  bool restart(std::string& error);

  int port() const { return port_; }
  const std::string& binDir() const { return bin_dir_; }
  const std::string& dataDir() const { return data_dir_; }
  // initdb / pg_ctl / createdb output.
  const std::string& logPath() const { return log_path_; }
  // The postmaster's own log.
  const std::string& serverLogPath() const { return server_log_path_; }

 private:
  PostgresServer(TempDir dir, std::string bin_dir, bool as_postgres_user);

  bool initialize(std::string& error);
  bool startOnFreePort(std::string& error);
  bool waitUntilAccepting(std::chrono::milliseconds timeout, std::string& error);
  void stopNow();
  // Runs a server-side tool from bin_dir_, through runuser when we are root.
  bool runTool(const std::string& tool, const std::vector<std::string>& args,
               std::chrono::milliseconds deadline, std::string& error) const;

  TempDir temp_dir_;
  std::string bin_dir_;
  bool as_postgres_user_;
  std::string data_dir_;
  std::string log_path_;
  std::string server_log_path_;
  int port_ = 0;
  bool started_ = false;
};

// Directory holding initdb and pg_ctl: the one from PATH if present, else the
// highest version under /usr/lib/postgresql/*/bin; "" if none.
std::string findPostgresBinDir();

}  // namespace aisafe::testsupport
