// What the validation tests share: a SQLite database with the schema, the policies, the built-in
// detectors, and a way to run the service's coroutine to its end.
#pragma once

#include <memory>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "detect/registry.h"
#include "detectors/canary/canary_token.h"
#include "detectors/canary/leak_checks.h"
#include "policy/policy_service.h"
#include "storage/database.h"
#include "storage/migrator.h"
#include "support/temp_dir.h"
#include "validation/validation_service.h"

namespace aisafe::validation::testing {

// The database and the compiled policies, built once per process: compiling the built-in rules
// is most of a test's time otherwise.
struct SharedPolicies {
  SharedPolicies() {
    auto opened = storage::Database::open("sqlite://" + dir.path() + "/v.db", 2);
    ok = opened.isOk();
    if (!ok) {
      return;
    }
    db = std::move(opened).value();
    ok = storage::Migrator(*db).up().isOk();
    policy_repo = std::make_unique<storage::PolicyRepository>(*db);
    registry = *detect::Registry::builtins(detect::RuleSource(""));
    policies = std::make_unique<policy::PolicyService>(*policy_repo, registry);
    ok = ok && policies->warmUp("default").isOk();
  }

  testsupport::TempDir dir;
  bool ok = false;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<storage::PolicyRepository> policy_repo;
  std::shared_ptr<const detect::Registry> registry;
  std::unique_ptr<policy::PolicyService> policies;
};

class ValidationFixture : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(shared().ok) << "the test database could not be set up"; }

  static SharedPolicies& shared() {
    static SharedPolicies instance;
    return instance;
  }

  ValidationDependencies dependencies() {
    ValidationDependencies deps;
    deps.policies = shared().policies.get();
    deps.registry = shared().registry.get();
    deps.output_checks.push_back(detectors::canary::makeCanaryCheck(canary_key_));
    deps.output_checks.push_back(detectors::canary::makeSystemPromptEchoCheck());
    return deps;
  }

  // Runs the service's coroutine on a private io_context until it is done.
  static Result<ValidationResult> run(ValidationService& service,
                                      const ValidationRequest& request) {
    boost::asio::io_context io;
    std::optional<Result<ValidationResult>> out;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> { out.emplace(co_await service.validate(request)); },
        boost::asio::detached);
    io.run();
    return std::move(*out);
  }

  detectors::canary::CanaryKey canary_key_{"a server secret of at least thirty-two characters"};
};

}  // namespace aisafe::validation::testing
