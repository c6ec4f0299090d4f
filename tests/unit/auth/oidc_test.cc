// Unit tests for auth/oidc.h: tokens signed here with fresh keys, the JWKS served by a counting
// fetch function, so key rotation, the refetch cooldown, provider outages and claim mapping can
// be driven step by step. (tests/e2e/sso.test.js does the same against jose and real HTTP.)
#include "auth/oidc.h"

#include <atomic>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "crypto/base64.h"

namespace aisafe::auth {
namespace {

namespace json = boost::json;
using crypto::base64UrlEncode;
constexpr std::int64_t kNow = 1'900'000'000;

// A P-256 key pair that signs ES256 tokens and exports its public JWK.
class TestKey {
 public:
  explicit TestKey(std::string kid) : kid_(std::move(kid)) {
    key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  }

  json::object jwk() const {
    unsigned char point[65];
    std::size_t len = 0;
    EVP_PKEY_get_octet_string_param(key_.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &len);
    const std::string p(reinterpret_cast<char*>(point), len);
    return {{"kty", "EC"},
            {"crv", "P-256"},
            {"kid", kid_},
            {"use", "sig"},
            {"x", base64UrlEncode(p.substr(1, 32))},
            {"y", base64UrlEncode(p.substr(33, 32))}};
  }

  std::string sign(const json::object& claims, json::object header = {}) const {
    if (header.empty()) header = {{"alg", "ES256"}, {"kid", kid_}};
    const std::string input =
        base64UrlEncode(json::serialize(header)) + "." + base64UrlEncode(json::serialize(claims));
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key_.get());
    unsigned char der[80];
    std::size_t der_len = sizeof der;
    EVP_DigestSign(md.get(), der, &der_len, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    const unsigned char* p = der;
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len));
    unsigned char raw[64];
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32);
    ECDSA_SIG_free(sig);
    return input + "." + base64UrlEncode(std::string(reinterpret_cast<char*>(raw), 64));
  }

 private:
  std::string kid_;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_{nullptr, EVP_PKEY_free};
};

json::object claims(json::object extra = {}) {
  json::object c{
      {"iss", "https://idp.test/"}, {"aud", "client-1"}, {"sub", "u-1"},
      {"exp", kNow + 600},          {"org_id", "org_a"}, {"roles", json::array{"member"}}};
  for (auto& [k, v] : extra) c[k] = v;
  return c;
}

struct Provider {
  json::array published;
  std::atomic<int> fetches{0};
  bool down = false;

  JwksFetcher fetcher() {
    return [this]() -> Result<std::string> {
      ++fetches;
      if (down) return unavailable("connection refused");
      return json::serialize(json::object{{"keys", published}});
    };
  }
};

OidcOptions options() {
  OidcOptions o;
  o.issuer = "https://idp.test/";
  o.audience = "client-1";
  o.min_refresh_interval = std::chrono::seconds(3600);  // only explicit refresh() refetches
  return o;
}

TEST(OidcTest, ValidTokenMapsOrganizationAndRole) {
  TestKey key("k1");
  Provider idp;
  idp.published.push_back(key.jwk());
  OidcVerifier v(options(), idp.fetcher());
  ASSERT_TRUE(v.refresh().isOk());
  auto id = v.verify(key.sign(claims({{"email", "a@b.test"}})), kNow);
  ASSERT_TRUE(id.isOk()) << id.status().message();
  EXPECT_EQ(id->subject, "u-1");
  EXPECT_EQ(id->organization_id, "org_a");
  EXPECT_EQ(id->role, "member");
  EXPECT_EQ(id->email, "a@b.test");
}

TEST(OidcTest, RoleMappingTakesTheStrongestMappedValue) {
  TestKey key("k1");
  Provider idp;
  idp.published.push_back(key.jwk());
  OidcOptions o = options();
  o.role_claim = "realm_access.roles";  // Keycloak nests its roles
  o.role_map = *parseRoleMap("ops=admin,readers=viewer");
  OidcVerifier v(o, idp.fetcher());
  ASSERT_TRUE(v.refresh().isOk());
  const auto nested = [](json::array roles) {
    return claims({{"realm_access", json::object{{"roles", std::move(roles)}}}});
  };
  auto id = v.verify(key.sign(nested({"readers", "ops", "other"})), kNow);
  ASSERT_TRUE(id.isOk()) << id.status().message();
  EXPECT_EQ(id->role, "admin");
  // With a map, raw role names are not roles: "owner" from the provider grants nothing.
  auto unmapped = v.verify(key.sign(nested({"owner"})), kNow);
  ASSERT_FALSE(unmapped.isOk());
  EXPECT_EQ(unmapped.status().reason(), "invalid_token");

  EXPECT_FALSE(parseRoleMap("ops=superadmin").isOk());
  EXPECT_FALSE(parseRoleMap("=admin").isOk());
  EXPECT_TRUE(parseRoleMap(" a = viewer , ,b=owner").isOk());
}

TEST(OidcTest, DefaultRoleAppliesOnlyWhenConfigured) {
  TestKey key("k1");
  Provider idp;
  idp.published.push_back(key.jwk());
  json::object no_roles = claims();
  no_roles.erase("roles");
  OidcVerifier strict(options(), idp.fetcher());
  ASSERT_TRUE(strict.refresh().isOk());
  EXPECT_FALSE(strict.verify(key.sign(no_roles), kNow).isOk());
  OidcOptions o = options();
  o.default_role = "viewer";
  OidcVerifier lenient(o, idp.fetcher());
  ASSERT_TRUE(lenient.refresh().isOk());
  auto id = lenient.verify(key.sign(no_roles), kNow);
  ASSERT_TRUE(id.isOk());
  EXPECT_EQ(id->role, "viewer");
}

TEST(OidcTest, ClaimAndSignatureProblemsAreRefused) {
  TestKey key("k1"), stranger("k1");
  Provider idp;
  idp.published.push_back(key.jwk());
  OidcVerifier v(options(), idp.fetcher());
  ASSERT_TRUE(v.refresh().isOk());
  const std::map<std::string, std::string> bad = {
      {"impostor key under a known kid", stranger.sign(claims())},
      {"wrong issuer", key.sign(claims({{"iss", "https://other/"}}))},
      {"wrong audience", key.sign(claims({{"aud", "client-2"}}))},
      {"expired", key.sign(claims({{"exp", kNow - 3600}}))},
      {"no organization", key.sign(claims({{"org_id", nullptr}}))},
      {"organization not a string", key.sign(claims({{"org_id", 7}}))},
      {"alg none", key.sign(claims(), {{"alg", "none"}, {"kid", "k1"}})},
      {"RS256 header on an EC key", key.sign(claims(), {{"alg", "RS256"}, {"kid", "k1"}})},
      {"jku header", key.sign(claims(), {{"alg", "ES256"}, {"kid", "k1"}, {"jku", "https://x/"}})},
  };
  for (const auto& [name, token] : bad) {
    auto id = v.verify(token, kNow);
    ASSERT_FALSE(id.isOk()) << name;
    EXPECT_EQ(id.status().code(), StatusCode::kUnauthenticated) << name;
  }
  EXPECT_EQ(v.verify(key.sign(claims({{"exp", kNow - 3600}})), kNow).status().reason(),
            "token_expired");
}

TEST(OidcTest, UnknownKidRefetchesOncePerCooldown) {
  TestKey old_key("old"), new_key("new");
  Provider idp;
  idp.published.push_back(old_key.jwk());
  OidcOptions o = options();
  o.min_refresh_interval = std::chrono::seconds(0);
  OidcVerifier v(o, idp.fetcher());
  ASSERT_TRUE(v.refresh().isOk());
  EXPECT_EQ(idp.fetches, 1);

  // The provider rotates: the first token naming the new key triggers one fetch.
  idp.published.push_back(new_key.jwk());
  EXPECT_TRUE(v.verify(new_key.sign(claims()), kNow).isOk());
  EXPECT_EQ(idp.fetches, 2);
  EXPECT_TRUE(v.verify(new_key.sign(claims()), kNow).isOk());
  EXPECT_EQ(idp.fetches, 2);  // now held

  // Made-up kids inside the cooldown cost nothing.
  OidcOptions cool = options();
  OidcVerifier guarded(cool, idp.fetcher());
  ASSERT_TRUE(guarded.refresh().isOk());
  const int before = idp.fetches;
  TestKey made_up("made-up");
  for (int i = 0; i < 50; ++i) {
    auto id = guarded.verify(made_up.sign(claims()), kNow);
    ASSERT_FALSE(id.isOk());
    EXPECT_EQ(id.status().reason(), "unknown_key");
  }
  EXPECT_EQ(idp.fetches, before);
}

TEST(OidcTest, ProviderOutageKeepsKnownKeysAndReportsNeverFetched) {
  TestKey key("k1");
  Provider idp;
  idp.published.push_back(key.jwk());
  idp.down = true;
  OidcOptions o = options();
  o.min_refresh_interval = std::chrono::seconds(0);
  o.jwks_ttl = std::chrono::seconds(0);  // every use wants a refresh
  OidcVerifier v(o, idp.fetcher());
  EXPECT_FALSE(v.refresh().isOk());
  auto never = v.verify(key.sign(claims()), kNow);
  ASSERT_FALSE(never.isOk());
  EXPECT_EQ(never.status().reason(), "identity_provider_unavailable");

  idp.down = false;
  ASSERT_TRUE(v.verify(key.sign(claims()), kNow).isOk());
  idp.down = true;  // stale and the provider is down: the held key still serves
  EXPECT_TRUE(v.verify(key.sign(claims()), kNow).isOk());
}

TEST(OidcTest, TokenWithoutKidNeedsAOneKeySet) {
  TestKey a("a"), b("b");
  Provider idp;
  idp.published.push_back(a.jwk());
  OidcVerifier v(options(), idp.fetcher());
  ASSERT_TRUE(v.refresh().isOk());
  EXPECT_TRUE(v.verify(a.sign(claims(), {{"alg", "ES256"}}), kNow).isOk());
  idp.published.push_back(b.jwk());
  ASSERT_TRUE(v.refresh().isOk());
  auto id = v.verify(a.sign(claims(), {{"alg", "ES256"}}), kNow);
  ASSERT_FALSE(id.isOk());
  EXPECT_EQ(id.status().reason(), "unknown_key");
}

}  // namespace
}  // namespace aisafe::auth
