// The audit trail of decisions (table validations): written in batches by the AuditWriter,
// read newest first with filters and cursor pagination by GET /api/v1/validations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/database.h"

namespace aisafe::storage {

struct ValidationRecord {
  std::string id;
  std::string request_id;
  std::string organization_id;
  std::string policy_id;
  int policy_version = 0;
  std::string surface;   // "input" | "output"
  std::string decision;  // "allow" | "block" | "redact"
  double risk_score = 0;
  std::string detectors;   // ",pii,secrets," : delimited on both sides for exact filtering
  std::string detections;  // JSON array of findings (no text)
  std::string text_sha256;
  std::int64_t text_length = 0;
  std::int64_t latency_us = 0;
  std::optional<std::string> raw_text;  // only when the policy says so
  std::int64_t created_at = 0;
  std::string api_key_id;  // the key that asked, empty for users and anonymous callers
  std::string user_id;     // the user that asked (or that created the key)
};

struct ValidationQuery {
  std::string organization_id;
  std::optional<std::string> decision;
  std::optional<std::string> detector;
  std::optional<std::int64_t> since;  // created_at >= since (epoch ms)
  std::optional<std::int64_t> until;  // created_at < until
  // Continue after this (created_at, id) position, from a previous page's cursor.
  std::optional<std::pair<std::int64_t, std::string>> after;
  int limit = 50;
};

class ValidationRepository {
 public:
  // Rows per multi-row INSERT on PostgreSQL: one round trip per 100 rows. SQLite has no round
  // trip to save but a program start per execution; it runs 16 rows per execution (see
  // insertBatch).
  static constexpr std::size_t kInsertChunkPostgres = 100;

  explicit ValidationRepository(const Database& db) : db_(db) {}

  // Inserts all records in one transaction.
  Status insertBatch(const std::vector<ValidationRecord>& records);
  // Newest first. Returns up to query.limit records.
  Result<std::vector<ValidationRecord>> list(const ValidationQuery& query);

  // Retention: deletes at most `limit` of the organization's records created before
  // `cutoff_ms`, oldest first, in one short statement (its own transaction), and returns how
  // many it deleted. Callers loop until fewer than `limit` come back, so a huge backlog is cut
  // in slices that never hold the write lock for long. Safe to run from several replicas at
  // once: on PostgreSQL each call skips rows another call has locked (FOR UPDATE SKIP LOCKED),
  // so two callers delete disjoint slices instead of waiting on each other; SQLite has one
  // writer at a time and the busy timeout queues the other.
  Result<std::int64_t> deleteOlderThan(const std::string& organization_id, std::int64_t cutoff_ms,
                                       int limit);

 private:
  const Database& db_;
};

}  // namespace aisafe::storage
