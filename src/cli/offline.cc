#include "cli/offline.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "app/app.h"

namespace aisafe::cli {

Result<std::shared_ptr<const detect::Registry>> loadOfflineRegistry() {
  AISAFE_TRY(Config config, loadConfigFromProcess());
  if (std::getenv("COMPILED_RULES_CACHE_DIR") == nullptr) {
    config.compiled_rules_cache_dir.clear();
  }
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
