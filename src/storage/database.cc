#include "storage/database.h"

#include <filesystem>
#include <mutex>

#include <boost/url/parse.hpp>
#include <soci/connection-pool.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

namespace aisafe::storage {
namespace {

// Quotes a value for a libpq/SOCI "key=value" connection string.
std::string quoteConnValue(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out + "'";
}

// A connection is only ever used by the thread that took it from the pool, so SQLite's own
// locks (one per API call, one more per allocation for its memory statistics) protect nothing
// here; they were a sixth of the audit writer's time under load. Must run before SQLite opens
// its first connection; if something opened one earlier, SQLite keeps its defaults.
void configureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    // SOCI's header declares SQLite's API inside namespace sqlite_api.
    sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

}  // namespace

Result<std::pair<Dialect, std::string>> sociConnectString(const std::string& url) {
  if (url.rfind("sqlite://", 0) == 0) {
    std::string path = url.substr(9);
    if (path.empty()) {
      return invalidArgument("DATABASE_URL: sqlite:// needs a file path");
    }
    // SOCI's SQLite backend takes the value up to the next space and does not unquote it.
    if (path.find_first_of(" \t'\"") != std::string::npos) {
      return invalidArgument("DATABASE_URL: the SQLite path must not contain spaces or quotes");
    }
    // timeout: seconds SQLite waits on a locked database before answering "busy".
    return std::pair{Dialect::kSqlite, "db=" + path + " timeout=5"};
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) {
      return invalidArgument("DATABASE_URL: not a valid URL: " + parsed.error().message());
    }
    const auto& u = *parsed;
    std::string conn;
    if (u.has_authority() && !u.encoded_host().empty()) {
      conn += "host=" + quoteConnValue(std::string(u.host()));
    }
    if (u.has_port()) {
      conn += " port=" + std::string(u.port());
    }
    if (u.has_userinfo()) {
      conn += " user=" + quoteConnValue(std::string(u.user()));
      if (u.has_password()) {
        conn += " password=" + quoteConnValue(std::string(u.password()));
      }
    }
    std::string db(u.path());
    if (!db.empty() && db.front() == '/') {
      db.erase(0, 1);
    }
    if (!db.empty()) {
      conn += " dbname=" + quoteConnValue(db);
    }
    for (const auto& param : u.params()) {
      conn += " " + std::string(param.key) + "=" + quoteConnValue(std::string(param.value));
    }
    return std::pair{Dialect::kPostgres, conn};
  }
  return invalidArgument("DATABASE_URL: expected sqlite://PATH or postgresql://...");
}

Result<std::unique_ptr<Database>> Database::open(const std::string& url, std::size_t pool_size) {
  AISAFE_TRY(auto target, sociConnectString(url));
  std::unique_ptr<Database> db(new Database());
  db->dialect_ = target.first;
  db->pool_size_ = pool_size;
  db->session_generation_ = std::make_unique<std::atomic<std::uint64_t>[]>(pool_size);
  try {
    if (db->dialect_ == Dialect::kSqlite) {
      configureSqliteOnce();
      const std::filesystem::path file(url.substr(9));
      if (file.has_parent_path()) {
        std::filesystem::create_directories(file.parent_path());
      }
    }
    db->pool_ = std::make_unique<soci::connection_pool>(pool_size);
    for (std::size_t i = 0; i < pool_size; ++i) {
      soci::session& s = db->pool_->at(i);
      if (db->dialect_ == Dialect::kSqlite) {
        s.open(*soci::factory_sqlite3(), target.second);
        // WAL lets readers (GET /validations) run while the audit writer writes.
        s << "PRAGMA journal_mode=WAL";
        s << "PRAGMA synchronous=NORMAL";
        s << "PRAGMA foreign_keys=ON";
      } else {
        s.open(*soci::factory_postgresql(), target.second);
      }
    }
  } catch (const std::exception& e) {
    return unavailable(std::string("cannot open database: ") + e.what());
  }
  return db;
}

Database::~Database() = default;

Status Database::run(const std::function<void(soci::session&)>& fn) const {
  // A lost server shows up as whatever the statement was doing when the connection went
  // ("server closed the connection unexpectedly", an unknown category): what says the database
  // is away, rather than the query wrong, is the session no longer being connected.
  bool connection_lost = false;
  const std::size_t position = pool_->lease();
  struct GiveBack {
    soci::connection_pool& pool;
    std::size_t position;
    ~GiveBack() { pool.give_back(position); }
  } give_back{*pool_, position};
  soci::session& s = pool_->at(position);
  try {
    try {
      if (dialect_ == Dialect::kPostgres) {
        const std::uint64_t now = generation_.load();
        if (session_generation_[position].load() < now) {
          s.reconnect();  // throws while the server is still away: answered as unavailable
          session_generation_[position].store(now);
        }
      }
      fn(s);
    } catch (...) {
      // A PostgreSQL session in a failed state must not go back to the pool as is.
      if (dialect_ == Dialect::kPostgres) {
        connection_lost = !s.is_connected();
        if (connection_lost) {
          // The others may be dead too: each reconnects before its next use.
          session_generation_[position].store(++generation_);
        }
        try {
          s.reconnect();
        } catch (...) {  // NOLINT(bugprone-empty-catch): the original error is the one to report
          session_generation_[position].store(0);  // still away: try again next time
        }
      }
      throw;
    }
    return Status::ok();
  } catch (const soci::soci_error& e) {
    const auto category = e.get_error_category();
    if (category == soci::soci_error::connection_error || connection_lost) {
      return Status(StatusCode::kUnavailable,
                    std::string("database unavailable: ") + e.get_error_message(),
                    "database_unavailable");
    }
    return internalError(std::string("database error: ") + e.get_error_message());
  } catch (const std::exception& e) {
    return internalError(std::string("database error: ") + e.what());
  }
}

Status Database::transaction(const std::function<void(soci::session&)>& fn) const {
  return run([&](soci::session& s) {
    soci::transaction tr(s);
    fn(s);
    tr.commit();
  });
}

Status Database::ping() const {
  return run([](soci::session& s) {
    int one = 0;
    s << "SELECT 1", soci::into(one);
  });
}

}  // namespace aisafe::storage
