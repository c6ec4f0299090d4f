// JWK Set parsing and RS256/ES256 verification through OpenSSL 3's provider API (EVP_PKEY_fromdata,
// EVP_DigestVerify): no deprecated RSA_*/EC_KEY_* calls, no hand-written cryptography.
#include "auth/jwk.h"

#include <optional>

#include <boost/json.hpp>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "crypto/base64.h"

namespace aisafe::auth {
namespace {

namespace json = boost::json;

// P-256 coordinates and ES256 signature halves are 32 bytes each.
constexpr std::size_t kP256Bytes = 32;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

std::optional<std::string> member(const json::object& jwk, std::string_view name) {
  const json::value* v = jwk.if_contains(name);
  if (v == nullptr || !v->is_string()) {
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::optional<std::string> decodedMember(const json::object& jwk, std::string_view name) {
  auto text = member(jwk, name);
  if (!text) {
    return std::nullopt;
  }
  return crypto::base64UrlDecode(*text);
}

BnPtr toBignum(std::string_view bytes) {
  return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                         static_cast<int>(bytes.size()), nullptr));
}

std::shared_ptr<EVP_PKEY> fromParams(const char* type, OSSL_PARAM_BLD* bld) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
    return nullptr;
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  std::shared_ptr<EVP_PKEY> key(raw, EVP_PKEY_free);
  // Rejects an EC point off the curve (invalid-curve attacks) and malformed RSA parameters.
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    return nullptr;
  }
  return key;
}

std::shared_ptr<EVP_PKEY> rsaKey(const json::object& jwk) {
  auto n = decodedMember(jwk, "n"), e = decodedMember(jwk, "e");
  if (!n || !e || n->empty() || e->empty()) {
    return nullptr;
  }
  BnPtr bn_n = toBignum(*n), bn_e = toBignum(*e);
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get())) {
    return nullptr;
  }
  auto key = fromParams("RSA", bld.get());
  if (!key || EVP_PKEY_get_bits(key.get()) < kMinRsaBits) {
    return nullptr;
  }
  return key;
}

std::shared_ptr<EVP_PKEY> p256Key(const json::object& jwk) {
  if (member(jwk, "crv") != "P-256") {
    return nullptr;
  }
  auto x = decodedMember(jwk, "x"), y = decodedMember(jwk, "y");
  if (!x || !y || x->size() != kP256Bytes || y->size() != kP256Bytes) {
    return nullptr;
  }
  const std::string point = "\x04" + *x + *y;  // SEC 1 uncompressed form
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size())) {
    return nullptr;
  }
  return fromParams("EC", bld.get());
}

std::optional<PublicKey> readKey(const json::object& jwk) {
  if (auto use = member(jwk, "use"); use && *use != "sig") {
    return std::nullopt;
  }
  if (jwk.contains("d")) {
    return std::nullopt;
  }
  const auto kty = member(jwk, "kty");
  const auto alg = member(jwk, "alg");
  PublicKey out;
  out.kid = member(jwk, "kid").value_or("");
  if (kty == "RSA" && (!alg || *alg == "RS256")) {
    out.alg = "RS256";
    out.key = rsaKey(jwk);
  } else if (kty == "EC" && (!alg || *alg == "ES256")) {
    out.alg = "ES256";
    out.key = p256Key(jwk);
  }
  if (!out.key) {
    return std::nullopt;
  }
  return out;
}

// JWS ES256 carries r||s; OpenSSL verifies DER. Empty when the input is not 64 bytes.
std::string ecdsaRawToDer(std::string_view raw) {
  if (raw.size() != 2 * kP256Bytes) {
    return {};
  }
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BnPtr r = toBignum(raw.substr(0, kP256Bytes)), s = toBignum(raw.substr(kP256Bytes));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return {};
  }
  static_cast<void>(r.release());  // owned by sig now
  static_cast<void>(s.release());
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) {
    return {};
  }
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace

Result<std::vector<PublicKey>> parseJwks(std::string_view json_text) {
  boost::system::error_code ec;
  json::value doc = json::parse(json_text, ec);
  const json::value* keys =
      (!ec && doc.is_object()) ? doc.as_object().if_contains("keys") : nullptr;
  if (keys == nullptr || !keys->is_array()) {
    return invalidArgument("not a JWK Set: expected {\"keys\": [...]}");
  }
  std::vector<PublicKey> out;
  for (const json::value& entry : keys->get_array()) {
    if (!entry.is_object()) {
      continue;
    }
    if (auto key = readKey(entry.get_object())) {
      out.push_back(std::move(*key));
    }
  }
  if (out.empty()) {
    return invalidArgument("the JWK Set has no RS256 or ES256 signing key");
  }
  return out;
}

bool verifyJwsSignature(const PublicKey& key, std::string_view signing_input,
                        std::string_view signature) {
  if (!key.key) {
    return false;
  }
  std::string der;
  if (key.alg == "ES256") {
    der = ecdsaRawToDer(signature);
    if (der.empty()) {
      return false;
    }
    signature = der;
  } else if (key.alg != "RS256") {
    return false;
  }
  MdCtxPtr md(EVP_MD_CTX_new());
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key.key.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(),
                          reinterpret_cast<const unsigned char*>(signing_input.data()),
                          signing_input.size()) == 1;
}

}  // namespace aisafe::auth
