#include "storage/webhook_delivery_repository.h"

#include <map>

#include "crypto/random_ids.h"
#include "storage/row_values.h"

namespace aisafe::storage {
namespace {

using internal::NullableParam;

DeliveryRow deliveryFromRow(const soci::row& r) {
  DeliveryRow d;
  d.id = r.get<std::string>(0);
  d.event_id = r.get<std::string>(1);
  d.endpoint_id = r.get<std::string>(2);
  d.organization_id = r.get<std::string>(3);
  d.status = r.get<std::string>(4);
  d.attempts = r.get<int>(5);
  d.next_attempt_at = r.get<long long>(6);
  d.last_status_code = internal::nullableInt(r, 7);
  d.last_error = internal::nullableText(r, 8);
  d.created_at = r.get<long long>(9);
  d.updated_at = r.get<long long>(10);
  d.event_type = r.get<std::string>(11);
  return d;
}

constexpr const char* kSelectDelivery =
    "SELECT d.id, d.event_id, d.endpoint_id, d.organization_id, d.status, d.attempts, "
    "d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.updated_at, e.type "
    "FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id";

bool subscribes(const std::string& events_json, const std::string& type) {
  // The column is a JSON array of event type strings, written by us: a quoted exact match.
  return events_json.find("\"" + type + "\"") != std::string::npos;
}

}  // namespace

int WebhookDeliveryRepository::enqueueIn(soci::session& s, const OutboxEvent& event) {
  std::vector<std::string> endpoints;
  {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT id, events FROM webhook_endpoints WHERE organization_id = :o AND "
                      "enabled = 1",
         soci::use(event.organization_id));
    for (const auto& r : rows) {
      if (subscribes(r.get<std::string>(1), event.type)) {
        endpoints.push_back(r.get<std::string>(0));
      }
    }
  }
  if (endpoints.empty()) {
    return 0;
  }
  const long long at = event.created_at;
  soci::indicator trace_ind = event.traceparent.empty() ? soci::i_null : soci::i_ok;
  s << "INSERT INTO webhook_events (id, organization_id, type, payload, created_at, traceparent) "
       "VALUES (:id, :o, :t, :p, :c, :tp)",
      soci::use(event.id), soci::use(event.organization_id), soci::use(event.type),
      soci::use(event.payload), soci::use(at), soci::use(event.traceparent, trace_ind);
  for (const auto& endpoint : endpoints) {
    const std::string id = crypto::timeOrderedId("dlv_");
    s << "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, organization_id, status, "
         "next_attempt_at, created_at, updated_at) VALUES (:id, :e, :w, :o, 'pending', :n, :c, :u)",
        soci::use(id), soci::use(event.id), soci::use(endpoint), soci::use(event.organization_id),
        soci::use(at), soci::use(at), soci::use(at);
  }
  return static_cast<int>(endpoints.size());
}

Status WebhookDeliveryRepository::enqueueBatch(const std::vector<OutboxEvent>& events) {
  if (events.empty()) {
    return Status::ok();
  }
  return db_.transaction([&](soci::session& s) {
    // One endpoint query per organization in the batch, and two statements prepared once:
    // validation events arrive by the thousand.
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> endpoints_by_org;
    for (const auto& e : events) {
      if (endpoints_by_org.count(e.organization_id)) {
        continue;
      }
      auto& list = endpoints_by_org[e.organization_id];
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT id, events FROM webhook_endpoints WHERE organization_id = :o AND "
                        "enabled = 1",
           soci::use(e.organization_id));
      for (const auto& r : rows) {
        list.emplace_back(r.get<std::string>(0), r.get<std::string>(1));
      }
    }
    OutboxEvent ev;
    long long at = 0;
    soci::indicator trace_ind = soci::i_null;
    std::string delivery_id, endpoint_id;
    soci::statement insert_event =
        (s.prepare << "INSERT INTO webhook_events (id, organization_id, type, payload, created_at, "
                      "traceparent) VALUES (:id, :o, :t, :p, :c, :tp)",
         soci::use(ev.id), soci::use(ev.organization_id), soci::use(ev.type), soci::use(ev.payload),
         soci::use(at), soci::use(ev.traceparent, trace_ind));
    soci::statement insert_delivery =
        (s.prepare << "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, organization_id, "
                      "status, next_attempt_at, created_at, updated_at) VALUES "
                      "(:id, :e, :w, :o, 'pending', :n, :c, :u)",
         soci::use(delivery_id), soci::use(ev.id), soci::use(endpoint_id),
         soci::use(ev.organization_id), soci::use(at), soci::use(at), soci::use(at));
    for (const auto& e : events) {
      bool stored = false;
      for (const auto& [id, types] : endpoints_by_org[e.organization_id]) {
        if (!subscribes(types, e.type)) {
          continue;
        }
        if (!stored) {
          ev = e;
          at = e.created_at;
          trace_ind = e.traceparent.empty() ? soci::i_null : soci::i_ok;
          insert_event.execute(true);
          stored = true;
        }
        delivery_id = crypto::timeOrderedId("dlv_");
        endpoint_id = id;
        insert_delivery.execute(true);
      }
    }
  });
}

Result<std::vector<ClaimedDelivery>> WebhookDeliveryRepository::claimDue(std::int64_t now_ms,
                                                                         std::int64_t lease_ms,
                                                                         int limit) {
  std::vector<std::string> candidates;
  const long long now = now_ms, until = now_ms + lease_ms;
  const bool postgres = db_.dialect() == Dialect::kPostgres;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    if (postgres) {
      // One statement claims the batch; SKIP LOCKED lets concurrent workers take different
      // rows instead of queueing behind each other's locks.
      soci::rowset<soci::row> rows =
          (s.prepare << "UPDATE webhook_deliveries SET lease_until = :until WHERE id IN ("
                        "SELECT id FROM webhook_deliveries WHERE status = 'pending' AND "
                        "next_attempt_at <= :n AND lease_until <= :n2 ORDER BY next_attempt_at "
                        "LIMIT :l FOR UPDATE SKIP LOCKED) RETURNING id",
           soci::use(until), soci::use(now), soci::use(now), soci::use(limit));
      for (const auto& r : rows) {
        candidates.push_back(r.get<std::string>(0));
      }
      return;
    }
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT id FROM webhook_deliveries WHERE status = 'pending' AND "
                      "next_attempt_at <= :n AND lease_until <= :n2 ORDER BY next_attempt_at "
                      "LIMIT :l",
         soci::use(now), soci::use(now), soci::use(limit));
    for (const auto& r : rows) {
      candidates.push_back(r.get<std::string>(0));
    }
  }));
  std::vector<ClaimedDelivery> claimed;
  for (const auto& id : candidates) {
    long long won = 1;  // PostgreSQL: claimed above already
    if (!postgres) {
      AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
        // SQLite has one writer at a time; the claim is whoever moves the lease first, the
        // others change no row.
        soci::statement st =
            (s.prepare << "UPDATE webhook_deliveries SET lease_until = :until WHERE id = :id AND "
                          "status = 'pending' AND lease_until <= :n",
             soci::use(until), soci::use(id), soci::use(now));
        won = internal::executeCountingRows(st);
      }));
    }
    if (won == 0) {
      continue;
    }
    ClaimedDelivery c;
    bool found = false;
    AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
      soci::rowset<soci::row> rows =
          (s.prepare << std::string(kSelectDelivery) + " WHERE d.id = :id", soci::use(id));
      for (const auto& r : rows) {
        c.delivery = deliveryFromRow(r);
        found = true;
      }
      if (!found) return;
      soci::rowset<soci::row> ev =
          (s.prepare << "SELECT payload, traceparent FROM webhook_events WHERE id = :id",
           soci::use(c.delivery.event_id));
      for (const auto& r : ev) {
        c.payload = r.get<std::string>(0);
        c.traceparent = internal::nullableText(r, 1).value_or("");
      }
    }));
    if (!found) {
      continue;
    }
    auto endpoint =
        WebhookEndpointRepository(db_).get(c.delivery.organization_id, c.delivery.endpoint_id);
    if (!endpoint) {
      continue;  // deleted meanwhile: its deliveries went with it
    }
    c.endpoint = std::move(*endpoint);
    claimed.push_back(std::move(c));
  }
  return claimed;
}

Status WebhookDeliveryRepository::finish(const ClaimedDelivery& claimed,
                                         const AttemptOutcome& outcome, std::int64_t now_ms) {
  const AttemptRow& a = outcome.attempt;
  NullableParam<int> code(a.status_code);
  NullableParam<std::string> error(a.error);
  const long long latency = a.latency_ms, now = now_ms;
  const std::string status =
      outcome.delivered ? "succeeded" : (outcome.retry_at ? "pending" : "failed");
  const long long next = outcome.retry_at.value_or(now_ms);
  const int attempts = a.attempt;
  return db_.transaction([&](soci::session& s) {
    s << "INSERT INTO webhook_attempts (id, delivery_id, attempt, status_code, latency_ms, error, "
         "response_excerpt, created_at) VALUES (:id, :d, :a, :s, :l, :e, :x, :c)",
        soci::use(a.id), soci::use(claimed.delivery.id), soci::use(attempts),
        soci::use(code.value, code.ind), soci::use(latency), soci::use(error.value, error.ind),
        soci::use(a.response_excerpt), soci::use(now);
    s << "UPDATE webhook_deliveries SET status = :s, attempts = :a, next_attempt_at = :n, "
         "lease_until = 0, last_status_code = :c, last_error = :e, updated_at = :u WHERE id = :id",
        soci::use(status), soci::use(attempts), soci::use(next), soci::use(code.value, code.ind),
        soci::use(error.value, error.ind), soci::use(now), soci::use(claimed.delivery.id);
    if (outcome.delivered) {
      s << "UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = :id",
          soci::use(claimed.endpoint.id);
      return;
    }
    s << "UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1 WHERE id "
         "= :id",
        soci::use(claimed.endpoint.id);
    if (outcome.disable_after_failures > 0) {
      const std::string reason = "disabled after " +
                                 std::to_string(outcome.disable_after_failures) +
                                 " consecutive failed deliveries; last: " + a.error.value_or("");
      s << "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = :r, updated_at = :u "
           "WHERE id = :id AND enabled = 1 AND consecutive_failures >= :n",
          soci::use(reason), soci::use(now), soci::use(claimed.endpoint.id),
          soci::use(outcome.disable_after_failures);
    }
  });
}

Status WebhookDeliveryRepository::release(const std::string& delivery_id,
                                          std::int64_t next_attempt_at) {
  const long long next = next_attempt_at;
  return db_.run([&](soci::session& s) {
    s << "UPDATE webhook_deliveries SET lease_until = 0, next_attempt_at = :n WHERE id = :id",
        soci::use(next), soci::use(delivery_id);
  });
}

Status WebhookDeliveryRepository::cancel(const std::string& delivery_id, const std::string& reason,
                                         std::int64_t now_ms) {
  const long long now = now_ms;
  return db_.run([&](soci::session& s) {
    s << "UPDATE webhook_deliveries SET status = 'failed', lease_until = 0, last_error = :e, "
         "updated_at = :u WHERE id = :id",
        soci::use(reason), soci::use(now), soci::use(delivery_id);
  });
}

Result<std::vector<DeliveryRow>> WebhookDeliveryRepository::listForEndpoint(
    const std::string& organization_id, const std::string& endpoint_id, int limit) {
  std::vector<DeliveryRow> out;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << std::string(kSelectDelivery) +
                          " WHERE d.organization_id = :o AND d.endpoint_id = :w "
                          "ORDER BY d.created_at DESC, d.id DESC LIMIT :l",
         soci::use(organization_id), soci::use(endpoint_id), soci::use(limit));
    for (const auto& r : rows) {
      out.push_back(deliveryFromRow(r));
    }
  }));
  return out;
}

Result<std::vector<AttemptRow>> WebhookDeliveryRepository::attempts(
    const std::string& delivery_id) {
  std::vector<AttemptRow> out;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT id, delivery_id, attempt, status_code, latency_ms, error, "
                      "response_excerpt, created_at FROM webhook_attempts WHERE delivery_id = :d "
                      "ORDER BY attempt",
         soci::use(delivery_id));
    for (const auto& r : rows) {
      AttemptRow a;
      a.id = r.get<std::string>(0);
      a.delivery_id = r.get<std::string>(1);
      a.attempt = r.get<int>(2);
      a.status_code = internal::nullableInt(r, 3);
      a.latency_ms = r.get<long long>(4);
      a.error = internal::nullableText(r, 5);
      a.response_excerpt = r.get<std::string>(6);
      a.created_at = r.get<long long>(7);
      out.push_back(std::move(a));
    }
  }));
  return out;
}

Status WebhookDeliveryRepository::retry(const std::string& organization_id,
                                        const std::string& endpoint_id,
                                        const std::string& delivery_id, std::int64_t now_ms) {
  const long long now = now_ms;
  long long affected = 0;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::statement st =
        (s.prepare << "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = :n, "
                      "updated_at = :u WHERE id = :id AND endpoint_id = :w AND organization_id = "
                      ":o AND lease_until <= :n2",
         soci::use(now), soci::use(now), soci::use(delivery_id), soci::use(endpoint_id),
         soci::use(organization_id), soci::use(now));
    affected = internal::executeCountingRows(st);
  }));
  return affected == 0 ? notFound("delivery not found (or being sent right now)") : Status::ok();
}

Result<std::int64_t> WebhookDeliveryRepository::countPending() {
  long long n = 0;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    s << "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'", soci::into(n);
  }));
  return static_cast<std::int64_t>(n);
}

}  // namespace aisafe::storage
