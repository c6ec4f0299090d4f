// The database: a pool of SOCI sessions over SQLite (the embedded default) or PostgreSQL
// (scale-out), chosen by DATABASE_URL. This is the module edge for SOCI: its exceptions never
// leave here; every call answers a Status.
// Thread-safe: each call borrows a session from the pool for its duration.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"

namespace soci {
class connection_pool;
class session;
}  // namespace soci

namespace aisafe::storage {

enum class Dialect { kSqlite, kPostgres };

class Database {
 public:
  // Opens `url` (sqlite://PATH or postgresql://user:pass@host:port/db) with `pool_size`
  // sessions. SQLite: creates the file's directory, WAL journal, busy timeout.
  static Result<std::unique_ptr<Database>> open(const std::string& url, std::size_t pool_size);
  ~Database();

  Dialect dialect() const { return dialect_; }

  // Runs `fn` with a pooled session; a SOCI or standard exception thrown inside becomes
  // kUnavailable (connection problems) or kInternal, with the database's message.
  Status run(const std::function<void(soci::session&)>& fn) const;

  // Runs `fn` inside a transaction, committed when it returns normally.
  Status transaction(const std::function<void(soci::session&)>& fn) const;

  // A trivial query: is the database reachable?
  Status ping() const;

 private:
  Database() = default;
  Dialect dialect_ = Dialect::kSqlite;
  std::size_t pool_size_ = 0;
  std::unique_ptr<soci::connection_pool> pool_;
  // PostgreSQL: a lost connection bumps the generation; a pooled session older than it
  // reconnects before its next use. Otherwise every session that was idle while the server was
  // restarted would fail one request each after it came back.
  mutable std::atomic<std::uint64_t> generation_{0};
  std::unique_ptr<std::atomic<std::uint64_t>[]> session_generation_;  // per pool position
};

// SOCI connection string for a DATABASE_URL (exposed for tests).
Result<std::pair<Dialect, std::string>> sociConnectString(const std::string& url);

}  // namespace aisafe::storage
