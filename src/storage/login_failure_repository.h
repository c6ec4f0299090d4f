// Failed logins per subject ("email:<address>", "ip:<address>") in the database, so every
// replica throttles on the same counts and the throttle never fails open when Redis is away.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/database.h"

namespace aisafe::storage {

struct FailureWindow {
  std::int64_t count = 0;
  std::int64_t oldest_ms = 0;  // the oldest failure counted (0 when none)
};

class LoginFailureRepository {
 public:
  explicit LoginFailureRepository(const Database& db) : db_(db) {}

  // Records a failure for each subject and forgets their failures older than `forget_before_ms`.
  Status record(const std::vector<std::string>& subjects, std::int64_t now_ms,
                std::int64_t forget_before_ms);
  Result<FailureWindow> window(const std::string& subject, std::int64_t since_ms);
  Status clear(const std::string& subject);

 private:
  const Database& db_;
};

}  // namespace aisafe::storage
