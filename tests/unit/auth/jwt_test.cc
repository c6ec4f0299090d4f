// Unit tests for auth/jwt.h: the RFC 7515/7520 examples, every case of the JWT attack vector file,
// and the claim rules (times, leeway, issuer, audience, subject).
#include "auth/jwt.h"

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "crypto/base64.h"
#include "crypto/hmac.h"

namespace aisafe::auth {
namespace {

using crypto::base64UrlDecode;
using crypto::base64UrlEncode;
using crypto::hmacSha256;

namespace json = boost::json;

// The JSON vector file `name` from tests/testdata/vectors (copied from the shared vector set).
json::object loadVectors(const std::string& name) {
  std::ifstream in(std::string(AISAFE_VECTORS_DIR) + "/" + name, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value v = json::parse(text.str(), ec);
  EXPECT_FALSE(ec) << name << ": " << ec.message();
  return v.is_object() ? v.as_object() : json::object();
}

std::string str(const json::value& v) { return std::string(v.as_string()); }

// The RFC 7515 A.1 HMAC key, which also signs the attack cases.
std::string rfc7515Key() {
  return *base64UrlDecode(
      "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
}

// A token with arbitrary header and payload JSON, correctly signed, for the claim rules.
std::string makeToken(std::string_view header, std::string_view payload, std::string_view secret) {
  std::string input = base64UrlEncode(header) + "." + base64UrlEncode(payload);
  return input + "." + base64UrlEncode(hmacSha256(secret, input));
}

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";
constexpr std::int64_t kNow = 1'700'000'000;

JwtVerifyOptions options(std::int64_t now = kNow) {
  return JwtVerifyOptions{"https://issuer.example", "middleware", now, 30};
}

JwtClaims sampleClaims() {
  JwtClaims c;
  c.sub = "usr_1";
  c.org = "org_1";
  c.role = "admin";
  c.iss = "https://issuer.example";
  c.aud = "middleware";
  c.jti = "jti_1";
  c.iat = kNow;
  c.nbf = kNow;
  c.exp = kNow + 900;
  return c;
}

// The reason verifyHs256 gives, or "ok".
std::string outcome(std::string_view token, std::string_view secret, const JwtVerifyOptions& o) {
  auto r = verifyHs256(token, secret, o);
  return r.isOk() ? "ok" : r.status().message();
}

std::string withPayload(std::string_view payload) {
  return outcome(makeToken(R"({"alg":"HS256"})", payload, kSecret), kSecret, options());
}

TEST(JwtTest, SignThenVerifyRoundTrips) {
  JwtClaims claims = sampleClaims();
  claims.sid = "ses_1";
  auto r = verifyHs256(signHs256(claims, kSecret), kSecret, options());
  ASSERT_TRUE(r.isOk()) << r.status().message();
  EXPECT_EQ(r->sub, "usr_1");
  EXPECT_EQ(r->org, "org_1");
  EXPECT_EQ(r->role, "admin");
  EXPECT_EQ(r->iss, "https://issuer.example");
  EXPECT_EQ(r->aud, "middleware");
  EXPECT_EQ(r->jti, "jti_1");
  EXPECT_EQ(r->sid, "ses_1");
  EXPECT_EQ(r->iat, kNow);
  EXPECT_EQ(r->nbf, kNow);
  EXPECT_EQ(r->exp, kNow + 900);
}

TEST(JwtTest, HeaderIsExactlyHs256Jwt) {
  const std::string token = signHs256(sampleClaims(), kSecret);
  EXPECT_EQ(base64UrlDecode(token.substr(0, token.find('.'))), R"({"alg":"HS256","typ":"JWT"})");
}

TEST(JwtTest, SessionIdIsOmittedWhenEmpty) {
  auto payloadOf = [](const std::string& token) {
    const auto first = token.find('.');
    return *base64UrlDecode(token.substr(first + 1, token.rfind('.') - first - 1));
  };
  JwtClaims claims = sampleClaims();
  EXPECT_EQ(payloadOf(signHs256(claims, kSecret)).find("\"sid\""), std::string::npos);
  claims.sid = "ses_9";
  EXPECT_NE(payloadOf(signHs256(claims, kSecret)).find(R"("sid":"ses_9")"), std::string::npos);
  auto r = verifyHs256(signHs256(sampleClaims(), kSecret), kSecret, options());
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r->sid, "");
}

TEST(JwtTest, Rfc7515HmacExampleIsAValidSignatureButAnExpiredJwt) {
  const json::object file = loadVectors("jws_jwt_rfc.json");
  const json::object& a1 = file.at("vectors").as_array().at(0).as_object();
  ASSERT_EQ(str(a1.at("alg")), "HS256");
  const std::string key = *base64UrlDecode(str(a1.at("jwk").at("k")));
  const std::string compact = str(a1.at("compact"));

  // As a bare JWS: the MAC over the exact segments (with their CRLFs) matches.
  const auto dot = compact.rfind('.');
  EXPECT_EQ(base64UrlEncode(hmacSha256(key, compact.substr(0, dot))), compact.substr(dot + 1));
  EXPECT_EQ(base64UrlDecode(compact.substr(0, compact.find('.'))),
            str(a1.at("protected_header_json")));

  // As a JWT today: exp 1300819380 is in 2011.
  EXPECT_EQ(outcome(compact, key, JwtVerifyOptions{"joe", "middleware", kNow}), "token expired");
  // Before its expiry the signature and time checks pass; it has no aud, so it still fails.
  EXPECT_EQ(outcome(compact, key, JwtVerifyOptions{"joe", "middleware", 1300819000}),
            "missing aud claim");
}

TEST(JwtTest, Rfc7520HmacExampleHasAGoodSignatureButNoClaims) {
  const json::object file = loadVectors("jws_jwt_rfc.json");
  int checked = 0;
  for (const json::value& v : file.at("vectors").as_array()) {
    const json::object& c = v.as_object();
    if (str(c.at("alg")) != "HS256" || !c.contains("payload_text")) continue;
    const std::string key = *base64UrlDecode(str(c.at("jwk").at("k")));
    // The payload is prose, not a JSON object: only a verified signature gets this far.
    EXPECT_EQ(outcome(str(c.at("compact")), key, options()), "malformed claims");
    ++checked;
  }
  EXPECT_EQ(checked, 1);
}

TEST(JwtTest, RfcAsymmetricExamplesAreRefusedByAlgorithm) {
  const json::object file = loadVectors("jws_jwt_rfc.json");
  int checked = 0;
  for (const json::value& v : file.at("vectors").as_array()) {
    const json::object& c = v.as_object();
    if (str(c.at("alg")) == "HS256") continue;
    EXPECT_EQ(outcome(str(c.at("compact")), rfc7515Key(), options()), "algorithm not allowed")
        << str(c.at("name"));
    ++checked;
  }
  EXPECT_EQ(checked, 4);  // RS256 (7515 A.2), ES256 (A.3), RS256 (7520 4.1), ES512 (7520 4.3)
}

// Why each attack case must fail, so a case refused for an unintended reason (say, a bad
// signature where the vector meant "expired") is caught. Every id in the file must be here.
const std::map<std::string, std::string> kAttackOutcomes = {
    {"valid_control", "ok"},
    {"alg_none", "algorithm not allowed"},
    {"alg_None_case_variant", "algorithm not allowed"},
    {"alg_nOnE_with_sig", "algorithm not allowed"},
    {"alg_missing", "algorithm not allowed"},
    // Signed with the RSA public key's PEM as an HMAC secret: our secret is not that.
    {"alg_hs256_when_rs256_expected_key_confusion", "bad signature"},
    {"signature_stripped", "bad signature"},
    {"signature_tampered_payload", "bad signature"},
    {"expired", "token expired"},
    {"nbf_in_future", "token not yet valid"},
    {"exp_not_numeric", "invalid exp claim"},
    {"wrong_audience", "wrong audience"},
    {"wrong_issuer", "wrong issuer"},
    // kid is ignored (one key), so a key chosen through kid simply does not match ours.
    {"kid_path_traversal", "bad signature"},
    {"kid_sql_injection", "bad signature"},
    // The vector allows "reject or ignore"; we reject, since we never fetch keys.
    {"jku_header_injection", "key header not allowed"},
    {"embedded_jwk_header", "key header not allowed"},
    {"crit_unknown", "crit header not supported"},
    {"es256_psychic_signature_r0_s0", "algorithm not allowed"},
    {"malformed_two_segments", "malformed token"},
    {"malformed_bad_base64", "malformed token"},
    {"padding_in_segments", "malformed token"},
};

TEST(JwtTest, EveryAttackCaseGetsItsExpectedOutcome) {
  const json::object file = loadVectors("jwt_attack_cases.json");
  const json::array& cases = file.at("cases").as_array();
  ASSERT_EQ(cases.size(), kAttackOutcomes.size());
  for (const json::value& v : cases) {
    const json::object& c = v.as_object();
    const std::string id = str(c.at("id"));
    const std::string expect = str(c.at("expect"));
    const std::int64_t at = c.contains("at_time") ? c.at("at_time").as_int64() : 1700000010;
    // The file fixes the evaluation time and allows no clock skew: "expired" is only 11 s past
    // its exp, which the default 30 s leeway would (by design) still accept.
    const JwtVerifyOptions o{"https://issuer.example", "middleware", at, /*leeway_s=*/0};
    const std::string token = str(c.at("token"));
    auto r = verifyHs256(token, rfc7515Key(), o);

    const auto wanted = kAttackOutcomes.find(id);
    ASSERT_NE(wanted, kAttackOutcomes.end())
        << "new attack case without an expected reason: " << id;
    EXPECT_EQ(r.isOk(), expect == "accept") << id;
    EXPECT_EQ(r.isOk() ? "ok" : r.status().message(), wanted->second) << id;
    if (!r.isOk()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << id;
      // Reasons name the problem, never the token or any of its parts.
      for (std::size_t start = 0; start + 8 <= token.size(); start += 8) {
        EXPECT_EQ(r.status().message().find(token.substr(start, 8)), std::string::npos) << id;
      }
    } else {
      EXPECT_EQ(r->sub, "user-1");
      EXPECT_EQ(r->exp, 1700003600);
    }
  }
}

TEST(JwtTest, RefusesWrongSecretAndAnyChangedByte) {
  const std::string token = signHs256(sampleClaims(), kSecret);
  EXPECT_EQ(outcome(token, "another secret of the same kind..", options()), "bad signature");
  for (std::size_t i = token.rfind('.') + 1; i < token.size(); ++i) {
    std::string changed = token;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verifyHs256(changed, kSecret, options()).isOk()) << i;
  }
}

TEST(JwtTest, RefusesMalformedShapes) {
  const std::string token = signHs256(sampleClaims(), kSecret);
  EXPECT_EQ(outcome("", kSecret, options()), "malformed token");
  EXPECT_EQ(outcome("..", kSecret, options()), "malformed header");
  EXPECT_EQ(outcome(token + ".", kSecret, options()), "malformed token");
  EXPECT_EQ(outcome(token + "=", kSecret, options()), "malformed token");
  EXPECT_EQ(outcome(" " + token, kSecret, options()), "malformed token");
  EXPECT_EQ(outcome(std::string(kMaxTokenBytes + 1, 'A'), kSecret, options()), "malformed token");
  EXPECT_EQ(outcome(makeToken("[1]", "{}", kSecret), kSecret, options()), "malformed header");
  EXPECT_EQ(outcome(makeToken("{\"alg\":", "{}", kSecret), kSecret, options()), "malformed header");
}

TEST(JwtTest, AcceptsOnlyTheExactHs256Algorithm) {
  for (const char* header :
       {R"({"alg":"hs256"})", R"({"alg":"HS256 "})", R"({"alg":"HS384"})", R"({"alg":"HS512"})",
        R"({"alg":null})", R"({"alg":["HS256"]})", R"({"typ":"JWT"})", R"({"alg":"none"})"}) {
    EXPECT_EQ(outcome(makeToken(header, "{}", kSecret), kSecret, options()),
              "algorithm not allowed")
        << header;
  }
}

TEST(JwtTest, RefusesKeyAndCriticalHeaders) {
  for (const char* header : {R"({"alg":"HS256","jku":"https://x.example/k"})",
                             R"({"alg":"HS256","x5u":"https://x.example/c"})",
                             R"({"alg":"HS256","x5c":["MIIB"]})", R"({"alg":"HS256","jwk":{}})"}) {
    EXPECT_EQ(outcome(makeToken(header, "{}", kSecret), kSecret, options()),
              "key header not allowed")
        << header;
  }
  EXPECT_EQ(outcome(makeToken(R"({"alg":"HS256","crit":[]})", "{}", kSecret), kSecret, options()),
            "crit header not supported");
}

constexpr std::string_view kGoodClaims =
    R"("iss":"https://issuer.example","aud":"middleware","sub":"u")";

std::string claimsWith(std::string_view extra) {
  return "{" + std::string(kGoodClaims) + "," + std::string(extra) + "}";
}

TEST(JwtTest, TimeClaimsMustBeNumbers) {
  EXPECT_EQ(withPayload(claimsWith(R"("exp":1700000900)")), "ok");
  EXPECT_EQ(withPayload(claimsWith(R"("exp":"1700000900")")), "invalid exp claim");
  EXPECT_EQ(withPayload(claimsWith(R"("exp":true)")), "invalid exp claim");
  EXPECT_EQ(withPayload(claimsWith(R"("exp":null)")), "invalid exp claim");
  EXPECT_EQ(withPayload(claimsWith(R"("exp":18446744073709551615)")), "invalid exp claim");
  EXPECT_EQ(withPayload(claimsWith(R"("exp":1e300)")), "invalid exp claim");
  EXPECT_EQ(withPayload(claimsWith(R"("exp":1700000900,"nbf":"0")")), "invalid nbf claim");
  EXPECT_EQ(withPayload(claimsWith(R"("exp":1700000900,"iat":[1])")), "invalid iat claim");
  EXPECT_EQ(withPayload(claimsWith(R"("exp":1700000900.75)")), "ok");
}

TEST(JwtTest, ExpIsRequired) {
  EXPECT_EQ(withPayload("{" + std::string(kGoodClaims) + "}"), "missing exp claim");
}

TEST(JwtTest, ExpAndNbfHonourTheLeeway) {
  const std::string exp_now = claimsWith(R"("exp":1700000000)");
  auto at = [](std::string_view payload, std::int64_t now) {
    return outcome(makeToken(R"({"alg":"HS256"})", payload, kSecret), kSecret, options(now));
  };
  EXPECT_EQ(at(exp_now, kNow + 30), "ok");
  EXPECT_EQ(at(exp_now, kNow + 31), "token expired");
  const std::string nbf_soon = claimsWith(R"("exp":1700009999,"nbf":1700000100)");
  EXPECT_EQ(at(nbf_soon, kNow + 70), "ok");
  EXPECT_EQ(at(nbf_soon, kNow + 69), "token not yet valid");

  JwtVerifyOptions strict = options(kNow + 1);
  strict.leeway_s = -100;  // treated as 0
  EXPECT_EQ(outcome(makeToken(R"({"alg":"HS256"})", exp_now, kSecret), kSecret, strict),
            "token expired");
  // Extreme values saturate instead of overflowing.
  EXPECT_EQ(withPayload(claimsWith(R"("exp":9223372036854775807)")), "ok");
  EXPECT_EQ(withPayload(claimsWith(R"("exp":-9223372036854775808)")), "token expired");
}

TEST(JwtTest, IssuerMustMatchExactly) {
  const auto payload = [](const std::string& iss) {
    return std::string(R"({"aud":"middleware","sub":"u","exp":1700000900)") + iss + "}";
  };
  EXPECT_EQ(withPayload(payload(R"(,"iss":"https://issuer.example")")), "ok");
  EXPECT_EQ(withPayload(payload("")), "wrong issuer");
  EXPECT_EQ(withPayload(payload(R"(,"iss":"https://issuer.example/")")), "wrong issuer");
  EXPECT_EQ(withPayload(payload(R"(,"iss":"")")), "wrong issuer");
  EXPECT_EQ(withPayload(payload(R"(,"iss":7)")), "invalid iss claim");
}

TEST(JwtTest, AudienceMayBeAStringOrAnArray) {
  const auto payload = [](const std::string& aud) {
    return std::string(R"({"iss":"https://issuer.example","sub":"u","exp":1700000900)") + aud + "}";
  };
  EXPECT_EQ(withPayload(payload(R"(,"aud":"middleware")")), "ok");
  EXPECT_EQ(withPayload(payload(R"(,"aud":["other","middleware"])")), "ok");
  EXPECT_EQ(withPayload(payload(R"(,"aud":["other"])")), "wrong audience");
  EXPECT_EQ(withPayload(payload(R"(,"aud":[])")), "wrong audience");
  EXPECT_EQ(withPayload(payload(R"(,"aud":"Middleware")")), "wrong audience");
  EXPECT_EQ(withPayload(payload(R"(,"aud":["middleware",1])")), "invalid aud claim");
  EXPECT_EQ(withPayload(payload(R"(,"aud":{"middleware":true})")), "invalid aud claim");
  EXPECT_EQ(withPayload(payload("")), "missing aud claim");
}

TEST(JwtTest, SubjectIsRequiredAndStringClaimsAreStrings) {
  const std::string base = R"("iss":"https://issuer.example","aud":"middleware","exp":1700000900)";
  EXPECT_EQ(withPayload("{" + base + "}"), "missing sub claim");
  EXPECT_EQ(withPayload("{" + base + R"(,"sub":""})"), "missing sub claim");
  EXPECT_EQ(withPayload("{" + base + R"(,"sub":42})"), "invalid sub claim");
  EXPECT_EQ(withPayload("{" + base + R"(,"sub":"u","role":["admin"]})"), "invalid role claim");
  EXPECT_EQ(withPayload("{" + base + R"(,"sub":"u","sid":1})"), "invalid sid claim");
}

TEST(JwtTest, ClaimsMustBeAJsonObject) {
  EXPECT_EQ(withPayload("[]"), "malformed claims");
  EXPECT_EQ(withPayload("\"x\""), "malformed claims");
  EXPECT_EQ(withPayload("{"), "malformed claims");
  EXPECT_EQ(withPayload(claimsWith(R"("exp":1700000900)") + " {}"), "malformed claims");
}

TEST(JwtTest, MisconfiguredVerifierFailsClosed) {
  const std::string token = signHs256(sampleClaims(), kSecret);
  for (const auto& [secret, o] :
       {std::pair<std::string, JwtVerifyOptions>{"", options()},
        std::pair<std::string, JwtVerifyOptions>{std::string(kSecret), {"", "middleware", kNow}},
        std::pair<std::string, JwtVerifyOptions>{std::string(kSecret),
                                                 {"https://issuer.example", "", kNow}}}) {
    auto r = verifyHs256(token, secret, o);
    ASSERT_FALSE(r.isOk());
    EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  }
  // A token signed with an empty key (what a "kid": "/dev/null" attack produces) never passes.
  EXPECT_FALSE(verifyHs256(signHs256(sampleClaims(), ""), "", options()).isOk());
}

}  // namespace
}  // namespace aisafe::auth
