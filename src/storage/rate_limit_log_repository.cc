#include "storage/rate_limit_log_repository.h"

#include <soci/soci.h>

namespace aisafe::storage {

Status RateLimitLogRepository::insertBatch(const std::vector<RateLimitLogRow>& rows) {
  if (rows.empty()) {
    return Status::ok();
  }
  return db_.transaction([&](soci::session& s) {
    RateLimitLogRow r;
    long long created_at = 0;
    soci::indicator key_ind = soci::i_null;
    // One prepared statement for the batch; the rows are few next to the traffic they refuse.
    soci::statement st =
        (s.prepare << "INSERT INTO rate_limit_logs (id, organization_id, api_key_id, limit_name, "
                      "route, created_at) VALUES (:id, :org, :key, :name, :route, :at)",
         soci::use(r.id), soci::use(r.organization_id), soci::use(r.api_key_id, key_ind),
         soci::use(r.limit_name), soci::use(r.route), soci::use(created_at));
    for (const auto& row : rows) {
      r = row;
      created_at = row.created_at;
      key_ind = row.api_key_id.empty() ? soci::i_null : soci::i_ok;
      st.execute(true);
    }
  });
}

Result<std::vector<RateLimitLogRow>> RateLimitLogRepository::recent(
    const std::string& organization_id, int limit) {
  std::vector<RateLimitLogRow> out;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rs =
        (s.prepare << "SELECT id, organization_id, api_key_id, limit_name, route, created_at "
                      "FROM rate_limit_logs WHERE organization_id = :org "
                      "ORDER BY created_at DESC, id DESC LIMIT :n",
         soci::use(organization_id), soci::use(limit));
    for (const auto& row : rs) {
      RateLimitLogRow r;
      r.id = row.get<std::string>(0);
      r.organization_id = row.get<std::string>(1);
      r.api_key_id = row.get_indicator(2) == soci::i_ok ? row.get<std::string>(2) : "";
      r.limit_name = row.get<std::string>(3);
      r.route = row.get<std::string>(4);
      r.created_at = row.get<long long>(5);
      out.push_back(std::move(r));
    }
  }));
  return out;
}

}  // namespace aisafe::storage
