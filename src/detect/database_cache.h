// Compiled vectorscan databases, shared and remembered. Compiling the shipped rule sets takes
// seconds (hundreds of multilingual patterns with leftmost-start tracking), so a database is
// compiled once per distinct set of patterns and shared by every pipeline that needs it: in
// memory for the life of the process, and on disk (COMPILED_RULES_CACHE_DIR, serialized with
// hs_serialize_database) so restarts and other processes on this machine skip the compile.
// A cached file that does not load (other CPU, other vectorscan version, corrupt) is ignored
// and replaced. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "detect/rule_set.h"

struct hs_database;

namespace aisafe::detect {

class CompiledDatabase {
 public:
  explicit CompiledDatabase(hs_database* db);
  ~CompiledDatabase();
  CompiledDatabase(const CompiledDatabase&) = delete;
  CompiledDatabase& operator=(const CompiledDatabase&) = delete;
  const hs_database* get() const { return db_; }
  // Unique for the life of the process (addresses can be reused after a free).
  std::uint64_t serial() const { return serial_; }

 private:
  hs_database* db_;
  std::uint64_t serial_;
};

// Sets the directory of the on-disk cache (empty: memory only). Without a call, the
// COMPILED_RULES_CACHE_DIR environment variable is used when set.
void setCompiledCacheDir(std::string dir);

// The database for `rules` (pattern i gets id i): from memory, from disk, or compiled now.
// `som`: with leftmost start-of-match positions.
Result<std::shared_ptr<const CompiledDatabase>> sharedDatabase(
    const std::vector<const PatternRule*>& rules, bool som = true);

}  // namespace aisafe::detect
