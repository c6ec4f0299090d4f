#include "detect/database_cache.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include <hs/hs.h>

#include "crypto/random_ids.h"
#include "crypto/sha256.h"
#include "detect/pattern_compiler.h"

namespace aisafe::detect {
namespace {

struct Cache {
  std::mutex mu;
  std::mutex compile_mu;  // one compile at a time: they are CPU-bound and share the key space
  std::map<std::string, std::weak_ptr<const CompiledDatabase>> live;
  bool dir_set = false;
  std::string dir;
};

Cache& cache() {
  static Cache c;
  return c;
}

std::string cacheDir() {
  Cache& c = cache();
  std::lock_guard lock(c.mu);
  if (!c.dir_set) {
    const char* env = std::getenv("COMPILED_RULES_CACHE_DIR");
    c.dir = env != nullptr ? env : "";
    c.dir_set = true;
  }
  return c.dir;
}

std::string fingerprint(const std::vector<const PatternRule*>& rules, bool som) {
  std::string key = std::string("aisafe-db-v1|") + hs_version() + "|";
  for (const auto* r : rules) {
    key += r->pattern;
    key.push_back('\0');
    key += std::to_string(flagsFor(r->pattern, r->caseless, som));
    key.push_back('\0');
  }
  return crypto::sha256Hex(key);
}

hs_database* loadFromDisk(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return nullptr;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string bytes = ss.str();
  hs_database* db = nullptr;
  if (hs_deserialize_database(bytes.data(), bytes.size(), &db) != HS_SUCCESS) {
    return nullptr;
  }
  return db;
}

void saveToDisk(const std::string& dir, const std::string& path, const hs_database* db) {
  char* bytes = nullptr;
  std::size_t length = 0;
  if (hs_serialize_database(db, &bytes, &length) != HS_SUCCESS) {
    return;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  // Write aside and rename: a reader never sees half a file, concurrent writers are harmless.
  const std::string tmp = path + "." + crypto::randomId("tmp");
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(bytes, static_cast<std::streamsize>(length));
  }
  std::free(bytes);
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
  }
}

}  // namespace

CompiledDatabase::CompiledDatabase(hs_database* db) : db_(db) {
  static std::atomic<std::uint64_t> next{1};
  serial_ = next.fetch_add(1);
}

CompiledDatabase::~CompiledDatabase() { hs_free_database(db_); }

void setCompiledCacheDir(std::string dir) {
  Cache& c = cache();
  std::lock_guard lock(c.mu);
  c.dir = std::move(dir);
  c.dir_set = true;
}

Result<std::shared_ptr<const CompiledDatabase>> sharedDatabase(
    const std::vector<const PatternRule*>& rules, bool som) {
  const std::string key = fingerprint(rules, som);
  Cache& c = cache();
  {
    std::lock_guard lock(c.mu);
    if (auto it = c.live.find(key); it != c.live.end()) {
      if (auto db = it->second.lock()) {
        return db;
      }
    }
  }
  std::lock_guard compile_lock(c.compile_mu);
  {
    std::lock_guard lock(c.mu);  // another thread may have finished it meanwhile
    if (auto it = c.live.find(key); it != c.live.end()) {
      if (auto db = it->second.lock()) {
        return db;
      }
    }
  }
  const std::string dir = cacheDir();
  const std::string path = dir.empty() ? "" : dir + "/" + key + ".hsdb";
  hs_database* raw = path.empty() ? nullptr : loadFromDisk(path);
  std::shared_ptr<const CompiledDatabase> db;
  if (raw != nullptr) {
    db = std::make_shared<const CompiledDatabase>(raw);
  } else {
    AISAFE_TRY(HsDatabase compiled, compileRules(rules, som));
    if (!path.empty()) {
      saveToDisk(dir, path, compiled.get());
    }
    db = std::make_shared<const CompiledDatabase>(compiled.release());
  }
  std::lock_guard lock(c.mu);
  c.live[key] = db;
  return db;
}

}  // namespace aisafe::detect
