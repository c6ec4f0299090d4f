// `aisafe admin`: organizations, users and API keys from scripts (provisioning, CI), against the
// same database and with the same rules as the HTTP API. Prints JSON; exit code 0 on success,
// 1 when the operation failed, 2 for bad arguments or configuration.
#include <cstdio>

#include <boost/json.hpp>

#include "app/app.h"
#include "auth/password.h"
#include "auth/permissions.h"
#include "cli/commands.h"
#include "core/clock.h"
#include "crypto/random_ids.h"
#include "telemetry/logging.h"

namespace aisafe::cli {
namespace json = boost::json;

namespace {

int fail(const aisafe::Status& st) {
  std::fprintf(stderr, "aisafe admin: %s\n", st.message().c_str());
  return st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kUnprocessable ? 2
                                                                                              : 1;
}

void print(const json::value& v) { std::printf("%s\n", json::serialize(v).c_str()); }

}  // namespace

int admin(const AdminArgs& a) {
  auto config = loadConfigFromProcess();
  if (!config) {
    return fail(config.status());
  }
  telemetry::setupLogging("warn", config->log_format);
  if (a.action == "hash-password") {
    // For seeding users from other tools; the password comes on stdin, never as an argument
    // (arguments are visible to every user of the machine).
    std::string password;
    for (int c = std::getchar(); c != EOF && c != '\n'; c = std::getchar()) {
      password.push_back(static_cast<char>(c));
    }
    auto hash = auth::hashPassword(password, config->bcrypt_cost);
    if (!hash) {
      return fail(hash.status());
    }
    std::printf("%s\n", hash->c_str());
    return 0;
  }
  auto app = app::App::create(*config);
  if (!app) {
    return fail(app.status());
  }
  auto& s = (*app)->services();

  if (a.action == "create-org") {
    auto org = s.organizations->create(a.name, std::nullopt);
    if (!org) {
      return fail(org.status());
    }
    print(tenancy::toJson(*org));
    return 0;
  }
  if (a.action == "create-user") {
    if (!auth::isKnownRole(a.role)) {
      return fail(invalidArgument("--role: viewer, member, admin or owner"));
    }
    auto email = tenancy::normalizeEmail(a.email);
    if (!email) {
      return fail(email.status());
    }
    auto org = s.organizations->get(a.organization);
    if (!org) {
      return fail(org.status());
    }
    auto hash = auth::hashPassword(a.password, config->bcrypt_cost);
    if (!hash) {
      return fail(hash.status());
    }
    storage::UserRow user;
    user.id = crypto::randomId("usr_");
    user.organization_id = org->id;
    user.email = *email;
    user.password_hash = *hash;
    user.role = a.role;
    user.created_at = user.updated_at = clock::nowMs();
    if (auto st = s.user_repo->create(user); !st.isOk()) {
      return fail(st);
    }
    print(tenancy::memberJson(user));
    return 0;
  }
  if (a.action == "create-key") {
    auto org = s.organizations->get(a.organization);
    if (!org) {
      return fail(org.status());
    }
    json::array scopes;
    for (const auto& scope : a.scopes) {
      scopes.emplace_back(scope);
    }
    auto fields = auth::parseApiKeyFields(json::object{{"name", a.name}, {"scopes", scopes}}, true);
    if (!fields) {
      return fail(fields.status());
    }
    auth::Identity creator;  // the command line acts with platform rights
    creator.id = creator.user_id = "cli";
    creator.organization_id = org->id;
    creator.is_superadmin = true;
    auto created = s.api_keys->create(creator, *fields);
    if (!created) {
      return fail(created.status());
    }
    json::object o = auth::toJson(created->row);
    o["key"] = created->key;
    print(o);
    return 0;
  }
  // list-keys
  auto keys = s.api_keys->list(a.organization);
  if (!keys) {
    return fail(keys.status());
  }
  json::array out;
  for (const auto& k : *keys) {
    out.push_back(auth::toJson(k));
  }
  print(out);
  return 0;
}

}  // namespace aisafe::cli
