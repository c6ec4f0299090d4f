// Webhook event bodies: {"type", "timestamp" (RFC 3339), "data"}, the schemas in
// docs/webhooks.md. Never a prompt's text: validations carry the decision, not what was asked.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "storage/record_change.h"
#include "storage/webhook_delivery_repository.h"

namespace aisafe::webhooks {

storage::OutboxEvent makeEvent(std::string_view type, const std::string& organization_id,
                               boost::json::object data, std::int64_t now_ms);

// policy.created/updated/deleted and api_key.created/revoked, from the change itself.
storage::OutboxEvent changeEvent(const storage::RecordChange& change, std::int64_t now_ms);

}  // namespace aisafe::webhooks
