// Webhook endpoints over HTTP against the real binary, on SQLite and PostgreSQL: the secret is
// shown once (and is not stored in the clear), URLs are checked, rotation returns a new secret,
// another organization's endpoint answers 404, and a viewer may read but not write.
#include <fstream>
#include <iterator>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "support/aisafe_server.h"
#include "support/postgres_env.h"

namespace aisafe {
namespace {
namespace json = boost::json;
using testsupport::AisafeServer;
using testsupport::HttpResponse;
using Headers = std::vector<std::pair<std::string, std::string>>;

class WebhookTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    Headers env;
    if (GetParam() == "postgres") {
      auto* pg = testsupport::sharedPostgres();
      AISAFE_REQUIRE_POSTGRES(pg);
      static int n = 0;
      const std::string url = pg->createDatabase("webhooks_" + std::to_string(++n));
      ASSERT_FALSE(url.empty());
      env.emplace_back("DATABASE_URL", url);
    }
    std::string error;
    server_ = AisafeServer::start(env, error);
    ASSERT_NE(server_, nullptr) << error;
  }

  HttpResponse call(const std::string& method, const std::string& target, const std::string& token,
                    const std::string& body = "") {
    return server_->client().request(
        method, target, body,
        {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}});
  }

  std::string registerOrg(const std::string& email, const std::string& org) {
    auto r = server_->client().request(
        "POST", "/api/v1/auth/register",
        R"({"email":")" + email + R"(","password":"long-enough-password","organization_name":")" +
            org + "\"}",
        {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(r.json().at("access_token").as_string());
  }

  static std::string errorCode(const HttpResponse& r) {
    const json::value v = r.json();
    return std::string(v.at("error").at("code").as_string());
  }

  std::unique_ptr<AisafeServer> server_;
};

TEST_P(WebhookTest, LifecycleWithTheSecretShownOnce) {
  const std::string owner = registerOrg("owner@example.com", "Acme");
  auto created = call("POST", "/api/v1/webhooks", owner,
                      R"({"url":"https://hooks.example.com/aisafe","events":["prompt.blocked",)"
                      R"("policy.updated"],"description":"SIEM"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const json::value c = created.json();
  const std::string id(c.at("id").as_string());
  const std::string secret(c.at("secret").as_string());
  EXPECT_EQ(secret.rfind("whsec_", 0), 0u);
  EXPECT_EQ(c.at("enabled"), true);

  // Never again: not in get, not in list, not in the database file.
  auto got = call("GET", "/api/v1/webhooks/" + id, owner);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body.find("secret\""), std::string::npos);
  EXPECT_EQ(got.body.find(secret), std::string::npos);
  auto listed = call("GET", "/api/v1/webhooks", owner);
  EXPECT_EQ(listed.json().at("data").as_array().size(), 1u);
  EXPECT_EQ(listed.body.find(secret), std::string::npos);
  if (GetParam() == "sqlite") {
    std::size_t read = 0;
    for (const char* file : {"/aisafe.db", "/aisafe.db-wal"}) {
      std::ifstream in(server_->dataDir() + file, std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      read += bytes.size();
      EXPECT_EQ(bytes.find(secret.substr(6)), std::string::npos) << file;  // sealed at rest
    }
    EXPECT_GT(read, 0u);
  }

  auto patched = call("PATCH", "/api/v1/webhooks/" + id, owner,
                      R"({"events":["prompt.validated"],"enabled":false})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json().at("enabled"), false);
  EXPECT_EQ(patched.json().at("events").as_array().size(), 1u);

  auto rotated = call("POST", "/api/v1/webhooks/" + id + "/rotate-secret", owner);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const json::value r = rotated.json();
  EXPECT_NE(std::string(r.at("secret").as_string()), secret);
  EXPECT_TRUE(r.at("secret_rotation_ends_at").is_string());  // the old one still signs a while

  EXPECT_EQ(call("DELETE", "/api/v1/webhooks/" + id, owner).status, 204);
  EXPECT_EQ(call("GET", "/api/v1/webhooks/" + id, owner).status, 404);
}

TEST_P(WebhookTest, UrlsAndEventsAreChecked) {
  const std::string owner = registerOrg("owner@example.com", "Acme");
  const char* bad[] = {
      R"({"url":"http://hooks.example.com/","events":["prompt.blocked"]})",       // not https
      R"({"url":"https://127.0.0.1/hook","events":["prompt.blocked"]})",          // loopback
      R"({"url":"https://169.254.169.254/latest","events":["prompt.blocked"]})",  // metadata
      R"({"url":"https://[::1]/hook","events":["prompt.blocked"]})",
      R"({"url":"https://localhost/hook","events":["prompt.blocked"]})",
      R"({"url":"https://LocalHost./hook","events":["prompt.blocked"]})",
      R"({"url":"https://user:pw@hooks.example.com/","events":["prompt.blocked"]})",
      R"({"url":"not a url","events":["prompt.blocked"]})",
      R"({"url":"https://hooks.example.com/","events":[]})",
      R"({"url":"https://hooks.example.com/","events":["prompt.exploded"]})",
      R"({"url":"https://hooks.example.com/","events":["prompt.blocked"],"secret":"mine"})",
      R"({"events":["prompt.blocked"]})",
  };
  for (const char* body : bad) {
    auto r = call("POST", "/api/v1/webhooks", owner, body);
    EXPECT_EQ(r.status, 422) << body << " -> " << r.body;
    if (r.status == 422) {
      EXPECT_EQ(errorCode(r), "invalid_webhook");
    }
  }
  EXPECT_EQ(call("POST", "/api/v1/webhooks", owner, "[1,2]").status, 400);
}

// Hosts that reach inward in disguise (issue 22): numbers that inet_aton() reads as 127.0.0.1 or
// 169.254.169.254, and names that mean this machine or the cloud's metadata service.
TEST_P(WebhookTest, DisguisedInwardHostsAreRefusedAtCreation) {
  const std::string owner = registerOrg("owner@example.com", "Acme");
  const std::pair<const char*, const char*> bad[] = {
      {"https://2130706433/", "127.0.0.1"},
      {"https://0x7f000001/", "127.0.0.1"},
      {"https://017700000001/", "127.0.0.1"},
      {"https://127.1/", "127.0.0.1"},
      {"https://0xa9.0xfe.0xa9.0xfe/latest", "169.254.169.254"},
      {"https://ip6-localhost/", "internal service"},
      {"https://ip6-loopback/", "internal service"},
      {"https://metadata.google.internal/computeMetadata/v1/", "internal service"},
      {"https://metadata/", "internal service"},
      {"https://anything.internal/", "internal service"},
      {"https://app.localhost/", "internal service"},
  };
  for (const auto& [url, why] : bad) {
    const std::string body = R"({"url":")" + std::string(url) + R"(","events":["prompt.blocked"]})";
    auto r = call("POST", "/api/v1/webhooks", owner, body);
    EXPECT_EQ(r.status, 422) << body << " -> " << r.body;
    if (r.status == 422) {
      EXPECT_EQ(errorCode(r), "invalid_webhook");
      EXPECT_NE(r.body.find(why), std::string::npos) << r.body;
    }
  }
  // A public address written as a number is still an address, and allowed.
  auto ok = call("POST", "/api/v1/webhooks", owner,
                 R"({"url":"https://134744072/hook","events":["prompt.blocked"]})");
  EXPECT_EQ(ok.status, 201) << ok.body;
  // The same check guards a change of URL.
  if (ok.status == 201) {
    const std::string id(ok.json().at("id").as_string());
    auto patched =
        call("PATCH", "/api/v1/webhooks/" + id, owner, R"({"url":"https://0x7f.1/hook"})");
    EXPECT_EQ(patched.status, 422) << patched.body;
  }
}

TEST_P(WebhookTest, AnotherOrganizationsEndpointIsNotFound) {
  const std::string a = registerOrg("a@example.com", "A");
  const std::string b = registerOrg("b@example.com", "B");
  auto created = call("POST", "/api/v1/webhooks", a,
                      R"({"url":"https://hooks.example.com/a","events":["prompt.blocked"]})");
  ASSERT_EQ(created.status, 201);
  const std::string id(created.json().at("id").as_string());
  EXPECT_EQ(call("GET", "/api/v1/webhooks/" + id, b).status, 404);
  EXPECT_EQ(call("PATCH", "/api/v1/webhooks/" + id, b, R"({"enabled":false})").status, 404);
  EXPECT_EQ(call("POST", "/api/v1/webhooks/" + id + "/rotate-secret", b).status, 404);
  EXPECT_EQ(call("DELETE", "/api/v1/webhooks/" + id, b).status, 404);
  EXPECT_TRUE(call("GET", "/api/v1/webhooks", b).json().at("data").as_array().empty());
  EXPECT_EQ(call("GET", "/api/v1/webhooks/" + id, a).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Databases, WebhookTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace aisafe
