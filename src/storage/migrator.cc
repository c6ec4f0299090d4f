#include "storage/migrator.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include <soci/soci.h>

#include "core/clock.h"
#include "core/embedded.h"

namespace aisafe::embedded {
const std::vector<EmbeddedFile>& migrationFiles();
}

namespace aisafe::storage {
namespace {

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
  return s;
}

}  // namespace

std::vector<Migration> embeddedMigrations() {
  std::map<int, Migration> by_version;
  for (const auto& f : embedded::migrationFiles()) {
    const std::string name(f.name);
    const bool up = name.size() > 7 && name.ends_with(".up.sql");
    const bool down = name.size() > 9 && name.ends_with(".down.sql");
    if (!up && !down) {
      continue;
    }
    const std::string base = name.substr(0, name.size() - (up ? 7 : 9));
    const int version = std::stoi(base.substr(0, base.find('_')));
    Migration& m = by_version[version];
    m.version = version;
    m.name = base;
    (up ? m.up_sql : m.down_sql) = std::string(f.content);
  }
  std::vector<Migration> out;
  out.reserve(by_version.size());
  for (auto& [v, m] : by_version) {
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<std::string> Migrator::splitStatements(const std::string& sql) {
  std::vector<std::string> out;
  std::istringstream in(sql);
  std::string line, current;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line.compare(first, 2, "--") == 0) {
      continue;
    }
    current += line + "\n";
    const auto last = line.find_last_not_of(" \t\r");
    if (line[last] == ';') {
      current.erase(current.find_last_of(';'));
      out.push_back(current);
      current.clear();
    }
  }
  if (current.find_first_not_of(" \t\r\n") != std::string::npos) {
    out.push_back(current);
  }
  return out;
}

Migrator::Migrator(const Database& db) : Migrator(db, embeddedMigrations()) {}

Migrator::Migrator(const Database& db, std::vector<Migration> migrations)
    : db_(db), migrations_(std::move(migrations)) {
  std::sort(migrations_.begin(), migrations_.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
}

Status Migrator::define(const std::string& name, const std::string& value) {
  const bool safe =
      !value.empty() && value.size() <= 64 && std::all_of(value.begin(), value.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
      });
  if (!safe) {
    return invalidArgument(name + " must be 1-64 characters of [A-Za-z0-9_-]");
  }
  variables_[name] = value;
  return Status::ok();
}

std::string Migrator::expand(const std::string& sql) const {
  std::string out = replaceAll(sql, "{{NOW_MS}}", std::to_string(clock::nowMs()));
  for (const auto& [name, value] : variables_) {
    std::string placeholder = "{{" + name;
    placeholder += "}}";
    out = replaceAll(out, placeholder, value);
  }
  return out;
}

int Migrator::latestVersion() const { return migrations_.empty() ? 0 : migrations_.back().version; }

Status Migrator::ensureTable() {
  return db_.run([](soci::session& s) {
    s << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
         "name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
  });
}

Result<std::vector<int>> Migrator::appliedVersions() {
  std::vector<int> versions;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<int> rows =
        (s.prepare << "SELECT version FROM schema_migrations ORDER BY version");
    for (int v : rows) {
      versions.push_back(v);
    }
  }));
  return versions;
}

Result<int> Migrator::up() {
  AISAFE_RETURN_IF_ERROR(ensureTable());
  AISAFE_TRY(auto applied, appliedVersions());
  int ran = 0;
  for (const auto& m : migrations_) {
    if (std::find(applied.begin(), applied.end(), m.version) != applied.end()) {
      continue;
    }
    const auto statements = splitStatements(expand(m.up_sql));
    Status st = db_.transaction([&](soci::session& s) {
      for (const auto& sql : statements) {
        s << sql;
      }
      s << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)",
          soci::use(m.version), soci::use(m.name),
          soci::use(static_cast<long long>(clock::nowMs()));
    });
    if (!st.isOk()) {
      return Status(st.code(), "migration " + m.name + " failed: " + st.message());
    }
    ++ran;
  }
  return ran;
}

Result<int> Migrator::down(int steps) {
  AISAFE_RETURN_IF_ERROR(ensureTable());
  AISAFE_TRY(auto applied, appliedVersions());
  int undone = 0;
  for (auto it = applied.rbegin(); it != applied.rend() && undone < steps; ++it) {
    const int version = *it;
    auto m = std::find_if(migrations_.begin(), migrations_.end(),
                          [&](const Migration& x) { return x.version == version; });
    if (m == migrations_.end()) {
      return invalidArgument("applied migration " + std::to_string(version) +
                             " is unknown to this binary: use the binary that applied it");
    }
    const auto statements = splitStatements(expand(m->down_sql));
    Status st = db_.transaction([&](soci::session& s) {
      for (const auto& sql : statements) {
        s << sql;
      }
      s << "DELETE FROM schema_migrations WHERE version = :v", soci::use(version);
    });
    if (!st.isOk()) {
      return Status(st.code(), "undoing " + m->name + " failed: " + st.message());
    }
    ++undone;
  }
  return undone;
}

Result<std::vector<MigrationState>> Migrator::status() {
  AISAFE_RETURN_IF_ERROR(ensureTable());
  std::map<int, long long> applied_at;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT version, applied_at FROM schema_migrations ORDER BY version");
    for (const auto& r : rows) {
      applied_at[r.get<int>(0)] = r.get<long long>(1);
    }
  }));
  std::vector<MigrationState> out;
  for (const auto& m : migrations_) {
    auto it = applied_at.find(m.version);
    out.push_back(
        {m.version, m.name, it != applied_at.end(), it != applied_at.end() ? it->second : 0});
  }
  return out;
}

}  // namespace aisafe::storage
