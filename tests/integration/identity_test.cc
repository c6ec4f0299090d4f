// Identity, tenancy and access over HTTP against the real binary, on SQLite and PostgreSQL:
// accounts and token rotation, API keys, the permission matrix, and isolation between
// organizations (another organization's resources answer 404).
#include <map>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "api/route_spec.h"
#include "auth/permissions.h"
#include "support/aisafe_server.h"
#include "support/postgres_env.h"

namespace aisafe {
namespace {
namespace json = boost::json;
using testsupport::AisafeServer;
using testsupport::HttpClient;
using testsupport::HttpResponse;

using Headers = std::vector<std::pair<std::string, std::string>>;

class IdentityTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    Headers env = {{"LOGIN_MAX_FAILURES_PER_ACCOUNT", "3"}, {"AUTH_CACHE_TTL_MS", "0"}};
    if (GetParam() == "postgres") {
      auto* pg = testsupport::sharedPostgres();
      AISAFE_REQUIRE_POSTGRES(pg);
      static int n = 0;
      const std::string url = pg->createDatabase("identity_" + std::to_string(++n));
      ASSERT_FALSE(url.empty());
      env.emplace_back("DATABASE_URL", url);
    }
    std::string error;
    server_ = AisafeServer::start(env, error);
    ASSERT_NE(server_, nullptr) << error;
  }

  HttpResponse call(const std::string& method, const std::string& target,
                    const std::string& body = "", const std::string& bearer = "") {
    Headers h = {{"Content-Type", "application/json"}};
    if (!bearer.empty()) h.emplace_back("Authorization", "Bearer " + bearer);
    return server_->client().request(method, target, body, h);
  }

  static std::string field(const HttpResponse& r, const char* name) {
    auto v = r.json();
    if (!v.is_object() || !v.as_object().contains(name)) return "";
    const auto& f = v.as_object().at(name);
    return f.is_string() ? std::string(f.as_string()) : json::serialize(f);
  }

  static std::string errorCode(const HttpResponse& r) {
    auto v = r.json();
    if (!v.is_object() || !v.as_object().contains("error")) return "";
    return std::string(v.as_object().at("error").as_object().at("code").as_string());
  }

  // Registers a user with a new organization; returns the access token.
  std::string registerOrg(const std::string& email, const std::string& org) {
    auto r = call("POST", "/api/v1/auth/register",
                  R"({"email":")" + email +
                      R"(","password":"long-enough-password","organization_name":")" + org + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return field(r, "access_token");
  }

  std::string me(const std::string& token, const char* part, const char* name) {
    auto r = call("GET", "/api/v1/auth/me", "", token);
    return std::string(r.json().as_object()[part].as_object()[name].as_string());
  }

  std::unique_ptr<AisafeServer> server_;
};

TEST_P(IdentityTest, LoginRefreshRotationAndTheftDetection) {
  registerOrg("alice@example.com", "Alice Corp");
  auto bad = call("POST", "/api/v1/auth/login",
                  R"({"email":"alice@example.com","password":"wrong-password!"})");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(errorCode(bad), "invalid_credentials");
  auto unknown = call("POST", "/api/v1/auth/login",
                      R"({"email":"nobody@example.com","password":"wrong-password!"})");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(errorCode(unknown), "invalid_credentials");  // never tells whether the email exists

  auto login = call("POST", "/api/v1/auth/login",
                    R"({"email":"alice@example.com","password":"long-enough-password"})");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(field(login, "token_type"), "bearer");
  const std::string refresh1 = field(login, "refresh_token");
  auto r2 = call("POST", "/api/v1/auth/refresh", R"({"refresh_token":")" + refresh1 + "\"}");
  ASSERT_EQ(r2.status, 200) << r2.body;
  const std::string access2 = field(r2, "access_token");
  const std::string refresh2 = field(r2, "refresh_token");
  EXPECT_EQ(call("GET", "/api/v1/auth/me", "", access2).status, 200);
  // The spent token again: the whole family is revoked, including the newer token.
  auto replay = call("POST", "/api/v1/auth/refresh", R"({"refresh_token":")" + refresh1 + "\"}");
  EXPECT_EQ(replay.status, 401);
  EXPECT_EQ(errorCode(replay), "refresh_token_reused");
  EXPECT_EQ(call("POST", "/api/v1/auth/refresh", R"({"refresh_token":")" + refresh2 + "\"}").status,
            401);
  EXPECT_EQ(call("GET", "/api/v1/auth/me", "", access2).status, 401);

  // Logout ends the session of the access token.
  auto again = call("POST", "/api/v1/auth/login",
                    R"({"email":"alice@example.com","password":"long-enough-password"})");
  const std::string access3 = field(again, "access_token");
  EXPECT_EQ(call("POST", "/api/v1/auth/logout", "", access3).status, 204);
  EXPECT_EQ(call("GET", "/api/v1/auth/me", "", access3).status, 401);
}

TEST_P(IdentityTest, PasswordRulesAndThrottling) {
  const std::string long73(73, 'a');
  auto r =
      call("POST", "/api/v1/auth/register",
           R"({"email":"x@example.com","password":")" + long73 + R"(","organization_name":"X"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("72"), std::string::npos) << r.body;
  EXPECT_EQ(call("POST", "/api/v1/auth/register",
                 R"({"email":"y@example.com","password":"short","organization_name":"Y"})")
                .status,
            400);
  registerOrg("bob@example.com", "Bob Corp");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(call("POST", "/api/v1/auth/login",
                   R"({"email":"bob@example.com","password":"not-the-password"})")
                  .status,
              401);
  }
  auto throttled = call("POST", "/api/v1/auth/login",
                        R"({"email":"bob@example.com","password":"long-enough-password"})");
  EXPECT_EQ(throttled.status, 429);
  EXPECT_FALSE(throttled.header("retry-after").empty());
}

TEST_P(IdentityTest, ApiKeysAuthenticateWithScopesAndRevocation) {
  const std::string owner = registerOrg("carol@example.com", "Carol Corp");
  auto created = call("POST", "/api/v1/api-keys", R"({"name":"ci","scopes":["validate"]})", owner);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string key = field(created, "key");
  const std::string id = field(created, "id");
  EXPECT_EQ(key.rfind("ask_live_", 0), 0u);

  auto listed = call("GET", "/api/v1/api-keys", "", owner);
  EXPECT_EQ(listed.body.find(key), std::string::npos);  // never the secret again

  auto ok = server_->client().request("POST", "/api/v1/validate", R"({"prompt":"hello"})",
                                      {{"X-API-Key", key}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  auto scoped = call("GET", "/api/v1/policies", "", key);
  EXPECT_EQ(scoped.status, 403);
  EXPECT_EQ(errorCode(scoped), "insufficient_scope");
  std::string typo = key;
  typo.back() = typo.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(errorCode(call("POST", "/api/v1/validate", R"({"prompt":"x"})", typo)),
            "invalid_api_key");

  auto rotated = call("POST", "/api/v1/api-keys/" + id + "/rotate", "", owner);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const std::string key2 = field(rotated, "key");
  EXPECT_EQ(call("POST", "/api/v1/validate", R"({"prompt":"x"})", key).status, 200);  // grace
  EXPECT_EQ(call("POST", "/api/v1/validate", R"({"prompt":"x"})", key2).status, 200);

  EXPECT_EQ(call("DELETE", "/api/v1/api-keys/" + id, "", owner).status, 204);
  auto revoked = call("POST", "/api/v1/validate", R"({"prompt":"x"})", key2);
  EXPECT_EQ(revoked.status, 401);
  EXPECT_EQ(errorCode(revoked), "api_key_revoked");
  // A member cannot mint a key with more than a member may do.
  EXPECT_EQ(call("POST", "/api/v1/validate", R"({"prompt":"x"})").status, 401);
}

TEST_P(IdentityTest, OrganizationsAreIsolated) {
  const std::string a = registerOrg("dave@a.example", "Org A");
  const std::string b = registerOrg("erin@b.example", "Org B");
  const std::string org_a = me(a, "organization", "id");
  auto policy = call("POST", "/api/v1/policies", R"({"name":"a-only"})", a);
  ASSERT_EQ(policy.status, 201) << policy.body;
  const std::string pid = field(policy, "id");
  auto key = call("POST", "/api/v1/api-keys", R"({"name":"k","scopes":["validate"]})", a);
  const std::string kid = field(key, "id");
  const std::string user_a = me(a, "user", "id");

  for (const auto& [method, target, body] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"GET", "/api/v1/policies/" + pid, ""},
           {"PUT", "/api/v1/policies/" + pid, R"({"name":"stolen"})"},
           {"DELETE", "/api/v1/policies/" + pid, ""},
           {"GET", "/api/v1/policies/" + pid + "/versions", ""},
           {"GET", "/api/v1/api-keys/" + kid, ""},
           {"PATCH", "/api/v1/api-keys/" + kid, R"({"name":"x"})"},
           {"DELETE", "/api/v1/api-keys/" + kid, ""},
           {"POST", "/api/v1/api-keys/" + kid + "/rotate", ""},
           {"GET", "/api/v1/organizations/" + org_a, ""},
           {"PATCH", "/api/v1/organizations/" + org_a, R"({"name":"x"})"},
           {"GET", "/api/v1/organizations/" + org_a + "/members", ""},
           {"POST", "/api/v1/organizations/" + org_a + "/invitations", R"({"email":"z@z.z"})"},
           {"PATCH", "/api/v1/organizations/" + org_a + "/members/" + user_a,
            R"({"role":"viewer"})"},
           {"DELETE", "/api/v1/organizations/" + org_a + "/members/" + user_a, ""},
       }) {
    EXPECT_EQ(call(method, target, body, b).status, 404) << method << " " << target;
  }
  auto validate =
      call("POST", "/api/v1/validate", R"({"prompt":"x","policy_id":")" + pid + "\"}", b);
  EXPECT_EQ(validate.status, 404);
  EXPECT_EQ(call("GET", "/api/v1/policies/" + pid, "", a).status, 200);
}

TEST_P(IdentityTest, RolesFollowTheMatrix) {
  const std::string owner = registerOrg("frank@example.com", "Frank Corp");
  const std::string org = me(owner, "organization", "id");
  auto inv = call("POST", "/api/v1/organizations/" + org + "/invitations",
                  R"({"email":"viewer@example.com","role":"viewer"})", owner);
  ASSERT_EQ(inv.status, 201) << inv.body;
  auto joined = call(
      "POST", "/api/v1/auth/register",
      R"({"email":"viewer@example.com","password":"long-enough-password","invitation_token":")" +
          field(inv, "invitation_token") + "\"}");
  ASSERT_EQ(joined.status, 201) << joined.body;
  const std::string viewer = field(joined, "access_token");
  EXPECT_EQ(me(viewer, "organization", "id"), org);
  EXPECT_EQ(call("GET", "/api/v1/policies", "", viewer).status, 200);
  EXPECT_EQ(call("POST", "/api/v1/policies", R"({"name":"x"})", viewer).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/validate", R"({"prompt":"x"})", viewer).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/organizations", R"({"name":"x"})", owner).status, 403);
  // The last owner cannot leave or be demoted.
  const std::string owner_id = me(owner, "user", "id");
  EXPECT_EQ(
      call("DELETE", "/api/v1/organizations/" + org + "/members/" + owner_id, "", owner).status,
      409);
  // A removed member's token stops working.
  const std::string viewer_id = me(viewer, "user", "id");
  EXPECT_EQ(
      call("DELETE", "/api/v1/organizations/" + org + "/members/" + viewer_id, "", owner).status,
      204);
  EXPECT_EQ(call("GET", "/api/v1/policies", "", viewer).status, 401);
}

// Every route in the permission table, called by every role over HTTP: 403 exactly where the
// matrix says no. Bodies and ids are harmless (empty bodies, unknown ids), so an allowed call
// answers 2xx/4xx-but-not-403 without changing anything that matters.
TEST_P(IdentityTest, EveryRouteTimesEveryRoleFollowsTheMatrix) {
  const std::string owner = registerOrg("matrix@example.com", "Matrix Corp");
  const std::string org = me(owner, "organization", "id");
  std::map<std::string, std::string> tokens = {{"owner", owner}};
  for (const std::string role : {"admin", "member", "viewer"}) {
    auto inv = call("POST", "/api/v1/organizations/" + org + "/invitations",
                    R"({"email":")" + role + R"(@matrix.example","role":")" + role + "\"}", owner);
    ASSERT_EQ(inv.status, 201) << inv.body;
    auto joined =
        call("POST", "/api/v1/auth/register",
             R"({"email":")" + role +
                 R"(@matrix.example","password":"long-enough-password","invitation_token":")" +
                 field(inv, "invitation_token") + "\"}");
    ASSERT_EQ(joined.status, 201) << joined.body;
    tokens[role] = field(joined, "access_token");
  }
  for (const auto& [role, token] : tokens) {
    for (const auto& rule : api::routeSpecs()) {
      if (rule.permission == auth::Permission::kPublic) continue;
      if (rule.pattern == "/api/v1/auth/logout") continue;  // would end the session under test
      std::string target(rule.pattern);
      auto replace = [&](const std::string& from, const std::string& to) {
        if (auto at = target.find(from); at != std::string::npos)
          target.replace(at, from.size(), to);
      };
      replace("{id}", target.rfind("/api/v1/organizations/", 0) == 0 ? org : "missing");
      replace("{user_id}", "usr_missing");
      const std::string method(boost::beast::http::to_string(rule.method));
      const std::string body = method == "GET" || method == "DELETE" ? "" : "{}";
      auto res = call(method, target, body, token);
      const bool allowed = auth::roleAllows(role, rule.permission);
      EXPECT_EQ(res.status == 403, !allowed)
          << role << " " << method << " " << target << " -> " << res.status << " " << res.body;
      EXPECT_NE(res.status, 401) << role << " " << method << " " << target;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Databases, IdentityTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace aisafe
