#include "storage/login_failure_repository.h"

#include <soci/soci.h>

namespace aisafe::storage {

Status LoginFailureRepository::record(const std::vector<std::string>& subjects, std::int64_t now_ms,
                                      std::int64_t forget_before_ms) {
  const long long now = now_ms, forget = forget_before_ms;
  return db_.transaction([&](soci::session& s) {
    for (const auto& subject : subjects) {
      s << "DELETE FROM login_failures WHERE subject = :s AND created_at < :t", soci::use(subject),
          soci::use(forget);
      s << "INSERT INTO login_failures (subject, created_at) VALUES (:s, :t)", soci::use(subject),
          soci::use(now);
    }
  });
}

Result<FailureWindow> LoginFailureRepository::window(const std::string& subject,
                                                     std::int64_t since_ms) {
  FailureWindow w;
  const long long since = since_ms;
  AISAFE_RETURN_IF_ERROR(db_.run([&](soci::session& s) {
    long long count = 0, oldest = 0;
    soci::indicator ind = soci::i_null;
    s << "SELECT COUNT(*), MIN(created_at) FROM login_failures WHERE subject = :s AND "
         "created_at >= :t",
        soci::into(count), soci::into(oldest, ind), soci::use(subject), soci::use(since);
    w.count = count;
    w.oldest_ms = ind == soci::i_ok ? oldest : 0;
  }));
  return w;
}

Status LoginFailureRepository::clear(const std::string& subject) {
  return db_.run([&](soci::session& s) {
    s << "DELETE FROM login_failures WHERE subject = :s", soci::use(subject);
  });
}

}  // namespace aisafe::storage
