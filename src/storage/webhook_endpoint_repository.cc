#include "storage/webhook_endpoint_repository.h"

#include <soci/soci.h>

#include "storage/row_values.h"

namespace aisafe::storage {
namespace {

using internal::NullableParam;

constexpr const char* kSelect =
    "SELECT id, organization_id, url, description, events, secret, previous_secret, "
    "previous_expires_at, enabled, consecutive_failures, disabled_reason, created_by, "
    "created_at, updated_at FROM webhook_endpoints";

WebhookEndpointRow fromRow(const soci::row& r) {
  WebhookEndpointRow w;
  w.id = r.get<std::string>(0);
  w.organization_id = r.get<std::string>(1);
  w.url = r.get<std::string>(2);
  w.description = r.get<std::string>(3);
  w.events = r.get<std::string>(4);
  w.secret = r.get<std::string>(5);
  w.previous_secret = internal::nullableText(r, 6);
  w.previous_expires_at = internal::nullableInt64(r, 7);
  w.enabled = r.get<int>(8) != 0;
  w.consecutive_failures = r.get<int>(9);
  w.disabled_reason = internal::nullableText(r, 10);
  w.created_by = r.get<std::string>(11);
  w.created_at = r.get<long long>(12);
  w.updated_at = r.get<long long>(13);
  return w;
}

std::optional<long long> widen(const std::optional<std::int64_t>& v) {
  if (!v) {
    return std::nullopt;
  }
  return static_cast<long long>(*v);
}

}  // namespace

Status WebhookEndpointRepository::create(const WebhookEndpointRow& row) {
  const int enabled = row.enabled ? 1 : 0;
  const long long created = row.created_at, updated = row.updated_at;
  return db_.run([&](soci::session& s) {
    s << "INSERT INTO webhook_endpoints (id, organization_id, url, description, events, secret, "
         "enabled, created_by, created_at, updated_at) VALUES "
         "(:id, :o, :u, :d, :e, :s, :en, :b, :c, :up)",
        soci::use(row.id), soci::use(row.organization_id), soci::use(row.url),
        soci::use(row.description), soci::use(row.events), soci::use(row.secret),
        soci::use(enabled), soci::use(row.created_by), soci::use(created), soci::use(updated);
  });
}

Result<WebhookEndpointRow> WebhookEndpointRepository::get(const std::string& organization_id,
                                                          const std::string& id) {
  std::optional<WebhookEndpointRow> out;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << std::string(kSelect) + " WHERE id = :id AND organization_id = :o",
         soci::use(id), soci::use(organization_id));
    for (const auto& r : rows) {
      out = fromRow(r);
    }
  }));
  if (!out) {
    return notFound("webhook endpoint not found");
  }
  return *out;
}

Result<std::vector<WebhookEndpointRow>> WebhookEndpointRepository::list(
    const std::string& organization_id) {
  std::vector<WebhookEndpointRow> out;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << std::string(kSelect) + " WHERE organization_id = :o ORDER BY created_at, id",
         soci::use(organization_id));
    for (const auto& r : rows) {
      out.push_back(fromRow(r));
    }
  }));
  return out;
}

Status WebhookEndpointRepository::update(const WebhookEndpointRow& row) {
  NullableParam<std::string> previous(row.previous_secret);
  NullableParam<long long> previous_expires(widen(row.previous_expires_at));
  NullableParam<std::string> reason(row.disabled_reason);
  const int enabled = row.enabled ? 1 : 0;
  const int failures = row.consecutive_failures;
  const long long updated = row.updated_at;
  long long affected = 0;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::statement st =
        (s.prepare << "UPDATE webhook_endpoints SET url = :u, description = :d, events = :e, "
                      "secret = :s, previous_secret = :ps, previous_expires_at = :px, "
                      "enabled = :en, consecutive_failures = :f, disabled_reason = :r, "
                      "updated_at = :up WHERE id = :id AND organization_id = :o",
         soci::use(row.url), soci::use(row.description), soci::use(row.events),
         soci::use(row.secret), soci::use(previous.value, previous.ind),
         soci::use(previous_expires.value, previous_expires.ind), soci::use(enabled),
         soci::use(failures), soci::use(reason.value, reason.ind), soci::use(updated),
         soci::use(row.id), soci::use(row.organization_id));
    affected = internal::executeCountingRows(st);
  }));
  return affected == 0 ? notFound("webhook endpoint not found") : Status::ok();
}

Status WebhookEndpointRepository::remove(const std::string& organization_id,
                                         const std::string& id) {
  long long affected = 0;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::statement st =
        (s.prepare << "DELETE FROM webhook_endpoints WHERE id = :id AND organization_id = :o",
         soci::use(id), soci::use(organization_id));
    affected = internal::executeCountingRows(st);
  }));
  return affected == 0 ? notFound("webhook endpoint not found") : Status::ok();
}

Result<std::int64_t> WebhookEndpointRepository::countDisabledByFailures() {
  long long n = 0;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    s << "SELECT COUNT(*) FROM webhook_endpoints WHERE enabled = 0 AND disabled_reason IS NOT "
         "NULL",
        soci::into(n);
  }));
  return static_cast<std::int64_t>(n);
}

}  // namespace aisafe::storage
