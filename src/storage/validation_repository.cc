#include "storage/validation_repository.h"

#include <soci/soci.h>

namespace aisafe::storage {
namespace {

constexpr int kColumns = 17;
// Rows per INSERT on SQLite (see insertBatch); 17 columns each, well under its parameter limit.
constexpr std::size_t kSqliteRows = 16;
constexpr const char* kColumnList =
    "id, request_id, organization_id, policy_id, policy_version, surface, decision, risk_score, "
    "detectors, detections, text_sha256, text_length, latency_us, raw_text, created_at, "
    "api_key_id, "
    "user_id";

// Values of one record in the types SOCI binds, kept alive until the statement runs.
struct Bound {
  std::string id, request_id, organization_id, policy_id;
  int policy_version;
  std::string surface, decision;
  double risk_score;
  std::string detectors, detections, text_sha256;
  long long text_length, latency_us;
  std::string raw_text;
  soci::indicator raw_ind;
  long long created_at;
  std::string api_key_id, user_id;
  soci::indicator key_ind, user_ind;
};

Bound bind(const ValidationRecord& r) {
  return Bound{r.id,
               r.request_id,
               r.organization_id,
               r.policy_id,
               r.policy_version,
               r.surface,
               r.decision,
               r.risk_score,
               r.detectors,
               r.detections,
               r.text_sha256,
               r.text_length,
               r.latency_us,
               r.raw_text.value_or(""),
               r.raw_text ? soci::i_ok : soci::i_null,
               r.created_at,
               r.api_key_id,
               r.user_id,
               r.api_key_id.empty() ? soci::i_null : soci::i_ok,
               r.user_id.empty() ? soci::i_null : soci::i_ok};
}

// Binds the columns of `b`, in kColumnList order, to the statement being built.
void exchangeRow(soci::statement& st, Bound& b) {
  st.exchange(soci::use(b.id));
  st.exchange(soci::use(b.request_id));
  st.exchange(soci::use(b.organization_id));
  st.exchange(soci::use(b.policy_id));
  st.exchange(soci::use(b.policy_version));
  st.exchange(soci::use(b.surface));
  st.exchange(soci::use(b.decision));
  st.exchange(soci::use(b.risk_score));
  st.exchange(soci::use(b.detectors));
  st.exchange(soci::use(b.detections));
  st.exchange(soci::use(b.text_sha256));
  st.exchange(soci::use(b.text_length));
  st.exchange(soci::use(b.latency_us));
  st.exchange(soci::use(b.raw_text, b.raw_ind));
  st.exchange(soci::use(b.created_at));
  st.exchange(soci::use(b.api_key_id, b.key_ind));
  st.exchange(soci::use(b.user_id, b.user_ind));
}

std::string valuesRow(std::size_t row) {
  std::string out = "(";
  for (int c = 0; c < kColumns; ++c) {
    out += (c == 0 ? ":p" : ",:p") + std::to_string(row * kColumns + static_cast<std::size_t>(c));
  }
  return out + ")";
}

// "(?,?,...)": SQLite numbers anonymous parameters as it reads them, while each named one is
// looked up among those before it, which made preparing a many-row statement quadratic.
std::string anonymousRow() {
  std::string out = "(?";
  for (int c = 1; c < kColumns; ++c) {
    out += ",?";
  }
  return out + ")";
}

}  // namespace

Status ValidationRepository::insertBatch(const std::vector<ValidationRecord>& records) {
  if (records.empty()) {
    return Status::ok();
  }
  if (db_.dialect() == Dialect::kSqlite) {
    // No round trip to save, but each execution of a statement starts its program and opens a
    // cursor on the table and on each index: run per row, that was a quarter of the writer's
    // time. So the batch goes kSqliteRows rows per execution, then one row at a time for the
    // rest; each statement is prepared once per batch (preparing per few rows was a tenth of the
    // server's CPU under load).
    return db_.transaction([&](soci::session& s) {
      std::size_t done = 0;
      if (records.size() >= kSqliteRows) {
        std::vector<Bound> rows(kSqliteRows);
        soci::statement st(s);
        std::string sql = std::string("INSERT INTO validations (") + kColumnList + ") VALUES ";
        for (std::size_t i = 0; i < kSqliteRows; ++i) {
          exchangeRow(st, rows[i]);
          sql += (i == 0 ? "" : ",") + anonymousRow();
        }
        st.alloc();
        st.prepare(sql);
        st.define_and_bind();
        for (; done + kSqliteRows <= records.size(); done += kSqliteRows) {
          for (std::size_t i = 0; i < kSqliteRows; ++i) {
            rows[i] = bind(records[done + i]);
          }
          st.execute(true);
        }
      }
      if (done == records.size()) {
        return;
      }
      Bound row = bind(records[done]);
      soci::statement st(s);
      exchangeRow(st, row);
      st.alloc();
      st.prepare(std::string("INSERT INTO validations (") + kColumnList + ") VALUES " +
                 anonymousRow());
      st.define_and_bind();
      for (; done < records.size(); ++done) {
        row = bind(records[done]);
        st.execute(true);
      }
    });
  }
  // PostgreSQL: one round trip per kInsertChunkPostgres rows.
  return db_.transaction([&](soci::session& s) {
    for (std::size_t begin = 0; begin < records.size(); begin += kInsertChunkPostgres) {
      const std::size_t end = std::min(records.size(), begin + kInsertChunkPostgres);
      std::vector<Bound> rows;
      rows.reserve(end - begin);
      for (std::size_t i = begin; i < end; ++i) {
        rows.push_back(bind(records[i]));
      }

      std::string sql = std::string("INSERT INTO validations (") + kColumnList + ") VALUES ";
      for (std::size_t i = 0; i < rows.size(); ++i) {
        sql += (i == 0 ? "" : ",") + valuesRow(i);
      }
      soci::statement st(s);
      for (auto& b : rows) {
        exchangeRow(st, b);
      }
      st.alloc();
      st.prepare(sql);
      st.define_and_bind();
      st.execute(true);
    }
  });
}

Result<std::vector<ValidationRecord>> ValidationRepository::list(const ValidationQuery& q) {
  std::vector<ValidationRecord> out;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    std::string sql =
        std::string("SELECT ") + kColumnList + " FROM validations WHERE organization_id = :org";
    std::string decision = q.decision.value_or("");
    std::string detector = q.detector ? "%," + *q.detector + ",%" : "";
    long long since = q.since.value_or(0), until = q.until.value_or(0);
    long long after_ts = q.after ? q.after->first : 0;
    std::string after_id = q.after ? q.after->second : "";
    int limit = q.limit;
    if (q.decision) sql += " AND decision = :decision";
    if (q.detector) sql += " AND detectors LIKE :detector";
    if (q.since) sql += " AND created_at >= :since";
    if (q.until) sql += " AND created_at < :until";
    if (q.after) sql += " AND (created_at < :ats OR (created_at = :ats2 AND id < :aid))";
    sql += " ORDER BY created_at DESC, id DESC LIMIT :limit";

    soci::statement st(s);
    std::string org = q.organization_id;
    st.exchange(soci::use(org));
    if (q.decision) st.exchange(soci::use(decision));
    if (q.detector) st.exchange(soci::use(detector));
    if (q.since) st.exchange(soci::use(since));
    if (q.until) st.exchange(soci::use(until));
    if (q.after) {
      st.exchange(soci::use(after_ts));
      st.exchange(soci::use(after_ts));
      st.exchange(soci::use(after_id));
    }
    st.exchange(soci::use(limit));

    ValidationRecord r;
    long long text_length = 0, latency_us = 0, created_at = 0;
    std::string raw;
    soci::indicator raw_ind = soci::i_null;
    st.exchange(soci::into(r.id));
    st.exchange(soci::into(r.request_id));
    st.exchange(soci::into(r.organization_id));
    st.exchange(soci::into(r.policy_id));
    st.exchange(soci::into(r.policy_version));
    st.exchange(soci::into(r.surface));
    st.exchange(soci::into(r.decision));
    st.exchange(soci::into(r.risk_score));
    st.exchange(soci::into(r.detectors));
    st.exchange(soci::into(r.detections));
    st.exchange(soci::into(r.text_sha256));
    st.exchange(soci::into(text_length));
    st.exchange(soci::into(latency_us));
    st.exchange(soci::into(raw, raw_ind));
    st.exchange(soci::into(created_at));
    std::string key_id, user_id;
    soci::indicator key_ind = soci::i_null, user_ind = soci::i_null;
    st.exchange(soci::into(key_id, key_ind));
    st.exchange(soci::into(user_id, user_ind));
    st.alloc();
    st.prepare(sql);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) {
      ValidationRecord copy = r;
      copy.text_length = text_length;
      copy.latency_us = latency_us;
      copy.created_at = created_at;
      if (raw_ind == soci::i_ok) copy.raw_text = raw;
      copy.api_key_id = key_ind == soci::i_ok ? key_id : "";
      copy.user_id = user_ind == soci::i_ok ? user_id : "";
      out.push_back(std::move(copy));
    }
  }));
  return out;
}

Result<std::int64_t> ValidationRepository::deleteOlderThan(const std::string& organization_id,
                                                           std::int64_t cutoff_ms, int limit) {
  // Both select the slice through validations_organization_created_idx (organization_id,
  // created_at, id): ordering by both columns makes it the index that needs no sort, so the
  // planner never walks other organizations' old rows (a small organization among big ones with
  // longer retention; before migration 006 a created_at index invited that plan). The id list
  // keeps the DELETE itself a primary-key lookup.
  const char* sql = db_.dialect() == Dialect::kPostgres
                        ? "DELETE FROM validations WHERE id IN (SELECT id FROM validations "
                          "WHERE organization_id = :org AND created_at < :cutoff "
                          "ORDER BY organization_id, created_at LIMIT :n FOR UPDATE SKIP LOCKED)"
                        : "DELETE FROM validations WHERE id IN (SELECT id FROM validations "
                          "WHERE organization_id = :org AND created_at < :cutoff "
                          "ORDER BY organization_id, created_at LIMIT :n)";
  long long affected = 0;
  std::string org = organization_id;
  long long cutoff = cutoff_ms;
  int n = limit;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    soci::statement st = (s.prepare << sql, soci::use(org), soci::use(cutoff), soci::use(n));
    st.execute(true);
    affected = st.get_affected_rows();
  }));
  return static_cast<std::int64_t>(affected);
}

}  // namespace aisafe::storage
