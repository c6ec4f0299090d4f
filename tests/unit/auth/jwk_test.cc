// Unit tests for auth/jwk.h: the RFC 7515 and RFC 7520 RS256/ES256 examples verify, anything
// altered does not, and parseJwks keeps exactly the keys aisafe may use.
#include "auth/jwk.h"

#include <fstream>
#include <sstream>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "crypto/base64.h"

namespace aisafe::auth {
namespace {

namespace json = boost::json;
using crypto::base64UrlDecode;
using crypto::base64UrlEncode;

json::array rfcVectors() {
  std::ifstream in(std::string(AISAFE_VECTORS_DIR) + "/jws_jwt_rfc.json", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str()).as_object()["vectors"].as_array();
}

// The vector's JWK without its private members, as a one-key set.
std::string publicSet(json::object jwk, std::string_view alg) {
  for (const char* priv : {"d", "p", "q", "dp", "dq", "qi"}) jwk.erase(priv);
  jwk["alg"] = alg;
  jwk["kid"] = "k1";
  return json::serialize(json::object{{"keys", json::array{jwk}}});
}

struct Compact {
  std::string signing_input;
  std::string signature;
};

Compact split(std::string_view token) {
  const auto last = token.rfind('.');
  return {std::string(token.substr(0, last)), *base64UrlDecode(token.substr(last + 1))};
}

TEST(JwkTest, RfcRs256AndEs256ExamplesVerify) {
  int checked = 0;
  for (const auto& entry : rfcVectors()) {
    const auto& v = entry.as_object();
    const std::string alg(v.at("alg").as_string());
    if (alg != "RS256" && alg != "ES256") continue;
    SCOPED_TRACE(std::string(v.at("name").as_string()));
    auto keys = parseJwks(publicSet(v.at("jwk").as_object(), alg));
    ASSERT_TRUE(keys.isOk()) << keys.status().message();
    ASSERT_EQ(keys->size(), 1u);
    EXPECT_EQ(keys->front().alg, alg);
    EXPECT_EQ(keys->front().kid, "k1");
    Compact c = split(v.at("compact").as_string());
    EXPECT_TRUE(verifyJwsSignature(keys->front(), c.signing_input, c.signature));

    Compact altered = c;
    altered.signing_input.back() ^= 1;
    EXPECT_FALSE(verifyJwsSignature(keys->front(), altered.signing_input, altered.signature));
    altered = c;
    altered.signature[5] ^= 0x40;
    EXPECT_FALSE(verifyJwsSignature(keys->front(), altered.signing_input, altered.signature));
    EXPECT_FALSE(verifyJwsSignature(keys->front(), c.signing_input, c.signature.substr(1)));
    EXPECT_FALSE(verifyJwsSignature(keys->front(), c.signing_input, ""));
    ++checked;
  }
  EXPECT_EQ(checked, 3);  // RFC 7515 A.2, A.3 and RFC 7520 4.1
}

TEST(JwkTest, AKeyVerifiesOnlyItsOwnAlgorithm) {
  for (const auto& entry : rfcVectors()) {
    const auto& v = entry.as_object();
    if (v.at("alg").as_string() != "ES256") continue;
    auto keys = parseJwks(publicSet(v.at("jwk").as_object(), "ES256"));
    ASSERT_TRUE(keys.isOk());
    PublicKey key = keys->front();
    key.alg = "RS256";  // an EC key asked to check an RSA signature
    Compact c = split(v.at("compact").as_string());
    EXPECT_FALSE(verifyJwsSignature(key, c.signing_input, c.signature));
    key.alg = "HS256";
    EXPECT_FALSE(verifyJwsSignature(key, c.signing_input, c.signature));
  }
}

TEST(JwkTest, ParseSkipsKeysItCannotOrMustNotUse) {
  const json::array vectors = rfcVectors();
  json::object rsa, ec;
  for (const auto& entry : vectors) {
    const auto& v = entry.as_object();
    if (v.at("alg").as_string() == "RS256" && rsa.empty()) rsa = v.at("jwk").as_object();
    if (v.at("alg").as_string() == "ES256" && ec.empty()) ec = v.at("jwk").as_object();
  }
  const auto pub = [](json::object k) {
    for (const char* priv : {"d", "p", "q", "dp", "dq", "qi"}) k.erase(priv);
    return k;
  };
  json::object enc = pub(rsa);
  enc["use"] = "enc";
  json::object wrong_alg = pub(rsa);
  wrong_alg["alg"] = "RS512";
  json::object p384 = pub(ec);
  p384["crv"] = "P-384";
  json::object off_curve = pub(ec);
  std::string y = *base64UrlDecode(off_curve["y"].as_string());
  y.back() ^= 1;
  off_curve["y"] = base64UrlEncode(y);
  json::object weak = pub(rsa);
  weak["n"] = base64UrlEncode(std::string(128, '\xC3'));  // 1024 bits
  json::object with_private = rsa;  // a published private key is a provider mistake
  json::object oct{{"kty", "oct"}, {"k", "c2VjcmV0"}};
  json::object good = pub(ec);
  good["kid"] = "good";

  json::array all{enc, wrong_alg, p384, off_curve, weak, with_private, oct, "not a key", good};
  auto keys = parseJwks(json::serialize(json::object{{"keys", all}}));
  ASSERT_TRUE(keys.isOk()) << keys.status().message();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ(keys->front().kid, "good");
  EXPECT_EQ(keys->front().alg, "ES256");

  all.pop_back();
  EXPECT_FALSE(parseJwks(json::serialize(json::object{{"keys", all}})).isOk());
  for (const char* bad : {"", "[]", "{}", "{\"keys\": {}}", "not json", "{\"keys\": [}"}) {
    EXPECT_FALSE(parseJwks(bad).isOk()) << bad;
  }
}

}  // namespace
}  // namespace aisafe::auth
