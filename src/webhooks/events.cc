#include "webhooks/events.h"

#include <boost/json.hpp>

#include "core/clock.h"
#include "crypto/random_ids.h"

namespace aisafe::webhooks {
namespace json = boost::json;

storage::OutboxEvent makeEvent(std::string_view type, const std::string& organization_id,
                               json::object data, std::int64_t now_ms) {
  storage::OutboxEvent e;
  e.id = crypto::timeOrderedId("msg_");
  e.organization_id = organization_id;
  e.type = std::string(type);
  e.created_at = now_ms;
  e.payload = json::serialize(json::object{
      {"type", e.type}, {"timestamp", clock::toRfc3339(now_ms)}, {"data", std::move(data)}});
  return e;
}

storage::OutboxEvent changeEvent(const storage::RecordChange& change, std::int64_t now_ms) {
  json::object data{{"id", change.id}, {"organization_id", change.organization_id}};
  if (!change.name.empty()) {
    data["name"] = change.name;
  }
  if (change.type.rfind("policy.", 0) == 0 && change.version > 0) {
    data["version"] = change.version;
  }
  return makeEvent(change.type, change.organization_id, std::move(data), now_ms);
}

}  // namespace aisafe::webhooks
