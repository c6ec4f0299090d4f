// Public keys from a JSON Web Key Set (RFC 7517, RFC 7518 section 6) and the two asymmetric JWS
// signatures single sign-on needs: RS256 (RSASSA-PKCS1-v1_5, SHA-256) and ES256 (ECDSA P-256,
// SHA-256). Keys are OpenSSL EVP_PKEYs built from the JWK parameters; nothing else is parsed.
//
// Pure functions over immutable keys: safe from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

using EVP_PKEY = struct evp_pkey_st;

namespace aisafe::auth {

// RSA keys below this size are refused when the set is read (RFC 7518 section 3.3 asks 2048).
constexpr int kMinRsaBits = 2048;

struct PublicKey {
  std::string kid;  // may be empty when the set holds a single key
  std::string alg;  // "RS256" or "ES256": the one algorithm this key verifies
  std::shared_ptr<EVP_PKEY> key;
};

// Reads a JWK Set `{"keys":[...]}`. Keys aisafe cannot use are skipped, not errors, since
// identity providers publish encryption keys and other algorithms next to their signing keys:
// `use` other than "sig", `kty` other than RSA or EC, curves other than P-256, an `alg` other
// than RS256/ES256, private keys (a "d" member: publishing one is a provider mistake we refuse to
// build on), weak RSA moduli, points not on the curve. An RSA key without `alg` verifies RS256,
// an EC P-256 key ES256. Errors: kInvalidArgument when the document is not a JWK Set or has no
// usable key.
Result<std::vector<PublicKey>> parseJwks(std::string_view json_text);

// Checks `signature` (the decoded JWS signature bytes) over `signing_input` with `key`, for the
// algorithm the key is bound to. ES256 signatures are the 64-byte r||s form of RFC 7518 section
// 3.4, not DER. False for any mismatch or malformed signature.
bool verifyJwsSignature(const PublicKey& key, std::string_view signing_input,
                        std::string_view signature);

}  // namespace aisafe::auth
