#include "cli/offline.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

#include <boost/json.hpp>

#include "app/app.h"
#include "core/config.h"

namespace aisafe::cli {

namespace {

constexpr const char* kCacheDirVariable = "COMPILED_RULES_CACHE_DIR";

// The variable as the server would read it: the environment, then ./.env.
std::optional<std::string> configuredCacheDir() {
  if (const char* env = std::getenv(kCacheDirVariable); env != nullptr) {
    return std::string(env);
  }
  std::ifstream f(".env");
  if (!f) {
    return std::nullopt;
  }
  std::stringstream ss;
  ss << f.rdbuf();
  const auto dotenv = parseDotEnv(ss.str());
  if (auto it = dotenv.find(kCacheDirVariable); it != dotenv.end()) {
    return it->second;
  }
  return std::nullopt;
}

// The per-user cache directory of the XDG base directory specification (a relative
// XDG_CACHE_HOME is to be ignored, it says).
std::string userCacheBase() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return xdg;
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] != '\0') {
    return std::string(home) + "/.cache";
  }
  return {};
}

}  // namespace

std::string offlineCacheDir() {
  if (auto configured = configuredCacheDir()) {
    return *configured;
  }
  const std::string base = userCacheBase();
  if (base.empty()) {
    return {};
  }
  std::string dir = base + "/aisafe/compiled-rules";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    // Degraded, not failed: the scan is right, only slow (every run compiles the rules).
    std::fprintf(stderr,
                 "aisafe: compiled rules are not cached: cannot create %s (%s); set %s to a "
                 "writable directory\n",
                 dir.c_str(), ec.message().c_str(), kCacheDirVariable);
    return {};
  }
  return dir;
}

Result<std::shared_ptr<const detect::Registry>> loadOfflineRegistry() {
  AISAFE_TRY(Config config, loadConfigFromProcess());
  config.compiled_rules_cache_dir = offlineCacheDir();
  return app::loadRegistry(config);
}

Result<policy::PolicySpec> loadPolicyFile(const char* path, const detect::Registry& registry) {
  if (path == nullptr) {
    return policy::defaultPolicySpec();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return invalidArgument(std::string("cannot read ") + path);
  }
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(text.str(), ec);
  if (ec) {
    return invalidArgument(std::string(path) + ": not valid JSON: " + ec.message());
  }
  auto parsed = policy::parsePolicySpec(doc, registry);
  if (!parsed) {
    return invalidArgument(std::string(path) + ": " + parsed.status().message());
  }
  return parsed;
}

}  // namespace aisafe::cli
