#include <cstdio>
#include <cstring>

#include "cli/commands.h"
#include "core/clock.h"
#include "core/config.h"
#include "storage/migrator.h"

namespace aisafe::cli {

int migrate(const char* direction, int steps) {
  auto config = loadConfigFromProcess();
  if (!config) {
    std::fprintf(stderr, "aisafe: %s\n", config.status().message().c_str());
    return 2;
  }
  auto db = storage::Database::open(config->database_url, 1);
  if (!db) {
    std::fprintf(stderr, "aisafe: %s\n", db.status().message().c_str());
    return 1;
  }
  storage::Migrator migrator(**db);
  if (auto st = migrator.define("DEFAULT_ORGANIZATION_ID", config->default_organization_id);
      !st.isOk()) {
    std::fprintf(stderr, "aisafe: %s\n", st.message().c_str());
    return 2;
  }
  if (std::strcmp(direction, "status") == 0) {
    auto states = migrator.status();
    if (!states) {
      std::fprintf(stderr, "aisafe: %s\n", states.status().message().c_str());
      return 1;
    }
    for (const auto& m : *states) {
      std::printf("%-28s %s\n", m.name.c_str(),
                  m.applied ? ("applied " + clock::toRfc3339(m.applied_at)).c_str() : "pending");
    }
    return 0;
  }
  const bool up = std::strcmp(direction, "up") == 0;
  auto n = up ? migrator.up() : migrator.down(steps);
  if (!n) {
    std::fprintf(stderr, "aisafe: %s\n", n.status().message().c_str());
    return 1;
  }
  std::printf("%s %d migration(s)\n", up ? "applied" : "undid", *n);
  return 0;
}

}  // namespace aisafe::cli
