// Versioned schema migrations (migrations/NNN_name.up.sql and .down.sql, compiled into the
// binary). The same files run on SQLite and PostgreSQL; each migration runs in one transaction
// and is recorded in schema_migrations, so a failed one leaves nothing half-applied.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/database.h"

namespace aisafe::storage {

struct Migration {
  int version;
  std::string name;  // "001_initial"
  std::string up_sql;
  std::string down_sql;
};

struct MigrationState {
  int version;
  std::string name;
  bool applied;
  std::int64_t applied_at;  // epoch ms, 0 when pending
};

class Migrator {
 public:
  explicit Migrator(const Database& db);
  // With the migrations compiled into the binary.
  Migrator(const Database& db, std::vector<Migration> migrations);

  // Applies every pending migration in order; returns how many ran.
  Result<int> up();
  // Undoes the `steps` most recent applied migrations; returns how many were undone.
  Result<int> down(int steps = 1);
  Result<std::vector<MigrationState>> status();

  // The highest version known to this binary.
  int latestVersion() const;

  // Sets a {{NAME}} placeholder the migration files use (DEFAULT_ORGANIZATION_ID, default
  // "default"). Values are pasted into SQL string literals, so only [A-Za-z0-9_-] is accepted.
  Status define(const std::string& name, const std::string& value);

  // Splits a SQL file into statements (on ';' at the end of a line; comments dropped).
  static std::vector<std::string> splitStatements(const std::string& sql);

 private:
  Status ensureTable();
  Result<std::vector<int>> appliedVersions();

  std::string expand(const std::string& sql) const;

  const Database& db_;
  std::vector<Migration> migrations_;
  std::map<std::string, std::string> variables_{{"DEFAULT_ORGANIZATION_ID", "default"}};
};

// The migrations compiled into this binary, ordered by version.
std::vector<Migration> embeddedMigrations();

}  // namespace aisafe::storage
