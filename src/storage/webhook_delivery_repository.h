// The webhook outbox and its deliveries (tables webhook_events, webhook_deliveries,
// webhook_attempts). Events are written with one pending delivery per enabled endpoint of the
// organization subscribed to the event type, either inside the transaction of the change that
// caused them (enqueueIn) or in batches (enqueueBatch). Workers claim due deliveries with a
// lease (a conditional UPDATE: two workers never hold the same delivery), send, and finish()
// records the attempt, the delivery's new state and the endpoint's failure count together.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "core/status.h"
#include "storage/database.h"
#include "storage/webhook_endpoint_repository.h"

namespace aisafe::storage {

struct OutboxEvent {
  std::string id;  // the webhook-id receivers see ("msg_...")
  std::string organization_id;
  std::string type;
  std::string payload;  // the body as it will be sent
  std::int64_t created_at = 0;
  // The W3C traceparent of the request that caused the event ("" when it was not traced):
  // its deliveries continue that trace, however much later they are sent.
  std::string traceparent;
};

struct DeliveryRow {
  std::string id;
  std::string event_id;
  std::string endpoint_id;
  std::string organization_id;
  std::string status;  // pending, succeeded, failed
  int attempts = 0;
  std::int64_t next_attempt_at = 0;
  std::optional<int> last_status_code;
  std::optional<std::string> last_error;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::string event_type;  // from the event, for listings
};

struct AttemptRow {
  std::string id;
  std::string delivery_id;
  int attempt = 0;
  std::optional<int> status_code;
  std::int64_t latency_ms = 0;
  std::optional<std::string> error;
  std::string response_excerpt;
  std::int64_t created_at = 0;
};

struct ClaimedDelivery {
  DeliveryRow delivery;
  std::string payload;
  std::string traceparent;  // the event's, "" when none
  WebhookEndpointRow endpoint;
};

// What finish() writes about an attempt.
struct AttemptOutcome {
  AttemptRow attempt;
  bool delivered = false;
  std::optional<std::int64_t> retry_at;  // set: pending again then; unset and not delivered: failed
  int disable_after_failures = 0;        // consecutive failures that disable the endpoint
};

// Called inside the transaction of a change (a policy written, a key revoked).
using ChangeHook = std::function<void(soci::session&, const OutboxEvent&)>;

class WebhookDeliveryRepository {
 public:
  explicit WebhookDeliveryRepository(const Database& db) : db_(db) {}

  // Inside the caller's transaction. Returns how many deliveries were created (0: nobody
  // subscribed, and then no event is stored either).
  static int enqueueIn(soci::session& s, const OutboxEvent& event);
  // Many events in one transaction (validation events).
  Status enqueueBatch(const std::vector<OutboxEvent>& events);

  Result<std::vector<ClaimedDelivery>> claimDue(std::int64_t now_ms, std::int64_t lease_ms,
                                                int limit);
  Status finish(const ClaimedDelivery& claimed, const AttemptOutcome& outcome, std::int64_t now_ms);
  // Gives a claimed delivery back without an attempt (its endpoint's breaker is open).
  Status release(const std::string& delivery_id, std::int64_t next_attempt_at);
  // Ends a claimed delivery unsent (its endpoint was disabled); a retry can revive it.
  Status cancel(const std::string& delivery_id, const std::string& reason, std::int64_t now_ms);

  Result<std::vector<DeliveryRow>> listForEndpoint(const std::string& organization_id,
                                                   const std::string& endpoint_id, int limit);
  Result<std::vector<AttemptRow>> attempts(const std::string& delivery_id);
  // Pending again, due now (a failed or succeeded delivery sent once more).
  Status retry(const std::string& organization_id, const std::string& endpoint_id,
               const std::string& delivery_id, std::int64_t now_ms);
  // Counts by status (metrics: queue depth).
  Result<std::int64_t> countPending();

 private:
  const Database& db_;
};

}  // namespace aisafe::storage
