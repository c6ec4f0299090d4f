// GoogleTest glue for PostgreSQL-backed tests: one shared throwaway server per
// test binary (started on first use), and AISAFE_REQUIRE_POSTGRES, which skips
// a test when PostgreSQL is unavailable locally but fails it in CI.
#pragma once

#include <cctype>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "support/postgres_server.h"

namespace aisafe::testsupport {

// True when the CI variable is set to something other than ""/0/false/no
// (GitHub Actions and GitLab set CI=true). There a missing PostgreSQL means a
// broken runner, which must not silently turn into skipped tests.
inline bool runningInCi() {
  const char* value = std::getenv("CI");
  if (value == nullptr) return false;
  std::string ci(value);
  for (char& c : ci) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return !(ci.empty() || ci == "0" || ci == "false" || ci == "no");
}

namespace detail {

struct SharedPostgres {
  std::unique_ptr<PostgresServer> server;
  std::string error;
};

// A function-local static: the server starts only when a test first asks for
// it (binaries without PostgreSQL tests pay nothing), start-up is thread-safe,
// and it is destroyed at normal process exit, which stops the server and
// removes its temp dir. Being inline, all translation units share one state.
inline SharedPostgres& sharedPostgresState() {
  static SharedPostgres state = [] {
    SharedPostgres shared;
    shared.server = PostgresServer::start(shared.error);
    if (!shared.server) {
      std::cerr << "[aisafe tests] PostgreSQL unavailable: " << shared.error << std::endl;
    }
    return shared;
  }();
  return state;
}

}  // namespace detail

// The process-wide test server, or nullptr if it could not be started (the
// reason is printed once and available from sharedPostgresError()).
inline PostgresServer* sharedPostgres() { return detail::sharedPostgresState().server.get(); }

inline const std::string& sharedPostgresError() { return detail::sharedPostgresState().error; }

}  // namespace aisafe::testsupport

// Use at the top of a test body or SetUp():
//   auto* pg = aisafe::testsupport::sharedPostgres();
//   AISAFE_REQUIRE_POSTGRES(pg);
// Returns from the enclosing function: a fatal failure under CI, a skip elsewhere.
#define AISAFE_REQUIRE_POSTGRES(ptr)                                  \
  do {                                                                \
    if ((ptr) == nullptr) {                                           \
      if (::aisafe::testsupport::runningInCi()) {                     \
        GTEST_FAIL() << "PostgreSQL is required when CI is set: "     \
                     << ::aisafe::testsupport::sharedPostgresError(); \
      }                                                               \
      GTEST_SKIP() << "PostgreSQL not available: "                    \
                   << ::aisafe::testsupport::sharedPostgresError();   \
    }                                                                 \
  } while (false)
