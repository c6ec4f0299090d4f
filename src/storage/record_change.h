// A change to a record that others may want to hear about (webhooks), reported from inside the
// transaction that makes it: whatever the hook writes commits or rolls back with the change.
#pragma once

#include <functional>
#include <string>

#include <soci/soci.h>

namespace aisafe::storage {

struct RecordChange {
  std::string type;  // the event type, e.g. "policy.updated", "api_key.revoked"
  std::string organization_id;
  std::string id;
  std::string name;
  int version = 0;  // policies
};

// Throwing (a failed insert) rolls the change back.
using RecordChangeHook = std::function<void(soci::session&, const RecordChange&)>;

}  // namespace aisafe::storage
