// HS256 JSON Web Tokens (RFC 7519 over RFC 7515 compact JWS), signed and checked with
// crypto::hmacSha256. This is the only token format aisafe issues, so the verifier accepts exactly
// one algorithm and no header extensions; it never fetches or accepts keys named by the token.
//
// Pure functions: no clock (the caller passes `now_s`), no I/O, safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "auth/jwk.h"
#include "core/status.h"

namespace aisafe::auth {

// Tokens longer than this are refused before any decoding: ours are a few hundred bytes, and the
// cap bounds the work an unauthenticated caller can cause.
constexpr std::size_t kMaxTokenBytes = std::size_t{8} * 1024;

// The claims aisafe puts in a token. Times are Unix seconds.
struct JwtClaims {
  std::string sub;   // user id
  std::string org;   // organisation id
  std::string role;  // role within the organisation
  std::string iss;
  std::string aud;
  std::string jti;  // token id, for revocation
  std::string sid;  // session id; optional, omitted from the token when empty
  std::int64_t iat = 0;
  std::int64_t nbf = 0;
  std::int64_t exp = 0;
};

// A compact HS256 token for `claims`, with the header exactly {"alg":"HS256","typ":"JWT"}. Every
// claim is written except `sid` when it is empty. `secret` should be at least 32 random bytes;
// verifyHs256 refuses an empty one.
std::string signHs256(const JwtClaims& claims, std::string_view secret);

struct JwtVerifyOptions {
  std::string issuer;          // `iss` must equal this
  std::string audience;        // `aud` (a string or an array of strings) must contain this
  std::int64_t now_s;          // the current Unix time, from the caller's clock
  std::int64_t leeway_s = 30;  // clock skew tolerated on exp and nbf; negative counts as 0
};

// Verifies an HS256 token and returns its claims (`aud` set to options.audience).
//
// Checked in this order, so that nothing from the token is trusted before its signature:
// size and shape (three base64url segments), the header (a JSON object whose "alg" is exactly
// "HS256"; no "crit", no "jku"/"jwk"/"x5u"/"x5c"), the signature (constant-time), then the
// claims: a JSON object; exp/nbf/iat numeric when present; exp required; iss; aud; sub required;
// org/role/jti/sid strings when present. "kid" is ignored: there is only one key.
//
// Errors: kInvalidArgument with a short reason that never echoes the token: "malformed token",
// "malformed header", "algorithm not allowed", "crit header not supported", "key header not
// allowed", "bad signature", "malformed claims", "invalid <name> claim", "missing exp claim",
// "token expired", "token not yet valid", "wrong issuer", "missing aud claim", "wrong audience",
// "missing sub claim". kInternal when the verifier itself is misconfigured (empty secret, issuer or
// audience), so a bad deployment fails closed.
Result<JwtClaims> verifyHs256(std::string_view token, std::string_view secret,
                              const JwtVerifyOptions& options);

// The "alg" a compact token's header names, or "" when it cannot be read. Unverified: only for
// choosing which verifier to run, never for trusting anything.
std::string peekAlgorithm(std::string_view token);

// A token from another issuer (OIDC single sign-on), verified: the standard claims (org, role and
// sid left empty) and every claim as sent, for mapping the provider's own claims.
struct ExternalJwt {
  JwtClaims claims;
  boost::json::object all_claims;
};

// The key for the token's "kid" ("" when the header has none), or an error (unknown key).
using KeyLookup = std::function<Result<PublicKey>(std::string_view kid)>;

// Verifies an RS256 or ES256 token whose key `lookup` provides. The same checks as verifyHs256 and
// in the same order, except: "alg" must be RS256 or ES256 *and* the algorithm of the key found,
// and org/role/sid are not read. Errors are verifyHs256's, plus whatever `lookup` returns.
Result<ExternalJwt> verifyExternal(std::string_view token, const KeyLookup& lookup,
                                   const JwtVerifyOptions& options);

}  // namespace aisafe::auth
