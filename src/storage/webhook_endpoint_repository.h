// Webhook endpoints of an organization (table webhook_endpoints). Every read and write is
// scoped by organization: another organization's endpoint is simply not found.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/database.h"

namespace aisafe::storage {

struct WebhookEndpointRow {
  std::string id;
  std::string organization_id;
  std::string url;
  std::string description;
  std::string events;                          // JSON array of event types
  std::string secret;                          // encrypted (webhooks/secret_box.h)
  std::optional<std::string> previous_secret;  // encrypted; signs too until previous_expires_at
  std::optional<std::int64_t> previous_expires_at;
  bool enabled = true;
  int consecutive_failures = 0;
  std::optional<std::string> disabled_reason;
  std::string created_by;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

class WebhookEndpointRepository {
 public:
  explicit WebhookEndpointRepository(const Database& db) : db_(db) {}

  Status create(const WebhookEndpointRow& row);
  Result<WebhookEndpointRow> get(const std::string& organization_id, const std::string& id);
  Result<std::vector<WebhookEndpointRow>> list(const std::string& organization_id);
  // Writes every mutable field (url, description, events, secrets, enabled, failures, reason).
  Status update(const WebhookEndpointRow& row);
  Status remove(const std::string& organization_id, const std::string& id);
  // Endpoints the delivery worker disabled after repeated failures, all organizations
  // (metrics: an alert on endpoints going dark). Owner-disabled ones carry no reason.
  Result<std::int64_t> countDisabledByFailures();

 private:
  const Database& db_;
};

}  // namespace aisafe::storage
