// Where the token-signing secret comes from (secret_key.h).
#include "app/secret_key.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include "crypto/base64.h"
#include "crypto/random.h"
#include "telemetry/logging.h"

namespace aisafe::app {

Result<std::string> resolveSecretKey(const Config& config) {
  if (!config.secret_key.empty()) {
    return config.secret_key;  // length checked by loadConfig
  }
  if (config.database_url.rfind("sqlite://", 0) != 0) {
    return invalidArgument(
        "SECRET_KEY is required with PostgreSQL: every replica must sign and check tokens with "
        "the same secret (at least 32 characters, e.g. `openssl rand -base64 48`)");
  }
  const std::filesystem::path path(config.secret_key_file);
  if (std::ifstream in(path); in) {
    std::stringstream ss;
    ss << in.rdbuf();
    std::string key = ss.str();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) {
      key.pop_back();
    }
    if (key.size() < 32) {
      return invalidArgument("SECRET_KEY_FILE " + path.string() +
                             " holds fewer than 32 characters: delete it to generate a new one");
    }
    return key;
  }
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  const std::string key = crypto::base64UrlEncode(crypto::randomBytes(48));
  {
    // Created with mode 0600 before anything is written.
    const mode_t old = ::umask(077);
    std::ofstream out(path, std::ios::trunc);
    ::umask(old);
    if (!out) {
      return unavailable("cannot write SECRET_KEY_FILE " + path.string());
    }
    out << key << "\n";
  }
  telemetry::logWarn("SECRET_KEY not set: generated one for this embedded install",
                     {{"file", path.string()}});
  return key;
}

}  // namespace aisafe::app
