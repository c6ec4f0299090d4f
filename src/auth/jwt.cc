// HS256 signing and verification (see jwt.h). The verifier decides everything from the token
// bytes it was given: the signature covers the exact base64url segments, never a re-serialization.
#include "auth/jwt.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <optional>
#include <utility>

#include <boost/json.hpp>

#include "crypto/base64.h"
#include "crypto/constant_time.h"
#include "crypto/hmac.h"

namespace aisafe::auth {
namespace {

namespace json = boost::json;

constexpr std::string_view kHeaderJson = R"({"alg":"HS256","typ":"JWT"})";

// Header parameters that point at or carry a key. We hold the only key, so a token naming another
// one is an attack (RFC 8725 section 3.10, CVE-2018-0114), never a reason to fetch or trust it.
constexpr std::string_view kKeyHeaders[] = {"jku", "jwk", "x5u", "x5c"};

struct Segments {
  std::string_view signing_input;  // "header.payload", exactly as sent
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
};

std::optional<Segments> splitToken(std::string_view token) {
  const auto first = token.find('.');
  if (first == std::string_view::npos) {
    return std::nullopt;
  }
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos) {
    return std::nullopt;
  }
  if (token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  return Segments{token.substr(0, second), token.substr(0, first),
                  token.substr(first + 1, second - first - 1), token.substr(second + 1)};
}

// Parses JSON that must be an object. Uses the error_code overload: nothing the network sent
// may throw. For a repeated member Boost.JSON keeps the last one, as RFC 7515 section 4 allows.
std::optional<json::object> parseObject(std::string_view text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    return std::nullopt;
  }
  return std::move(value.as_object());
}

// `allowed` lists the exact algorithm names accepted; returns the token's.
Result<std::string> checkHeader(const json::object& header,
                                std::initializer_list<std::string_view> allowed) {
  // Only the exact strings: "none", "None", "hs256" and a missing alg all fail here.
  const json::value* alg = header.if_contains("alg");
  if (alg == nullptr || !alg->is_string() ||
      std::find(allowed.begin(), allowed.end(), std::string_view(alg->get_string())) ==
          allowed.end()) {
    return invalidArgument("algorithm not allowed");
  }
  // We implement no JWS extensions, and RFC 7515 section 4.1.11 says a verifier that does not
  // understand a critical one must refuse the token.
  if (header.contains("crit")) {
    return invalidArgument("crit header not supported");
  }
  for (std::string_view name : kKeyHeaders) {
    if (header.contains(name)) {
      return invalidArgument("key header not allowed");
    }
  }
  return std::string(alg->get_string());
}

struct DecodedToken {
  Segments segments;
  json::object header;
  std::string payload_json;  // not parsed before the signature is checked
  std::string signature;
};

// Size, shape, base64url and a JSON-object header: everything checkable before choosing a key.
Result<DecodedToken> decode(std::string_view token) {
  if (token.size() > kMaxTokenBytes) {
    return invalidArgument("malformed token");
  }
  const std::optional<Segments> segments = splitToken(token);
  if (!segments) {
    return invalidArgument("malformed token");
  }
  std::optional<std::string> header_json = crypto::base64UrlDecode(segments->header);
  std::optional<std::string> payload_json = crypto::base64UrlDecode(segments->payload);
  std::optional<std::string> signature = crypto::base64UrlDecode(segments->signature);
  if (!header_json || !payload_json || !signature) {
    return invalidArgument("malformed token");
  }
  std::optional<json::object> header = parseObject(*header_json);
  if (!header) {
    return invalidArgument("malformed header");
  }
  return DecodedToken{*segments, std::move(*header), std::move(*payload_json),
                      std::move(*signature)};
}

Status invalidClaim(std::string_view name) {
  return invalidArgument("invalid " + std::string(name) + " claim");
}

// A NumericDate claim in whole seconds, or nullopt when absent. A fractional value rounds down,
// or up when `round_up` (nbf), so that either way the token is valid for less time, never more.
Result<std::optional<std::int64_t>> readTime(const json::object& claims, std::string_view name,
                                             bool round_up) {
  const json::value* v = claims.if_contains(name);
  if (v == nullptr) {
    return std::optional<std::int64_t>();
  }
  if (v->is_int64()) {
    return std::optional<std::int64_t>(v->get_int64());
  }
  if (v->is_double()) {
    const double d = round_up ? std::ceil(v->get_double()) : std::floor(v->get_double());
    // Both bounds are exactly representable and inside int64, so the cast below is defined.
    constexpr double kLimit = 9.0e18;
    if (std::isfinite(d) && d > -kLimit && d < kLimit) {
      return std::optional<std::int64_t>(static_cast<std::int64_t>(d));
    }
  }
  // Strings, booleans, null and integers beyond int64 (Boost stores those as uint64).
  return invalidClaim(name);
}

Status readString(const json::object& claims, std::string_view name, std::string& out) {
  const json::value* v = claims.if_contains(name);
  if (v == nullptr) {
    return Status::ok();
  }
  if (!v->is_string()) {
    return invalidClaim(name);
  }
  out.assign(v->get_string().data(), v->get_string().size());
  return Status::ok();
}

Status checkAudience(const json::object& claims, std::string_view audience) {
  const json::value* aud = claims.if_contains("aud");
  if (aud == nullptr) {
    return invalidArgument("missing aud claim");
  }
  bool found = false;
  if (aud->is_string()) {
    found = aud->get_string() == audience;
  } else if (aud->is_array()) {
    for (const json::value& entry : aud->get_array()) {
      if (!entry.is_string()) {
        return invalidClaim("aud");
      }
      found = found || entry.get_string() == audience;
    }
  } else {
    return invalidClaim("aud");
  }
  return found ? Status::ok() : invalidArgument("wrong audience");
}

std::int64_t saturatingAdd(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return b > 0 ? std::numeric_limits<std::int64_t>::max()
                 : std::numeric_limits<std::int64_t>::min();
  }
  return sum;
}

// `ours`: a token aisafe issued, whose org/role/sid claims must be strings. Other issuers' tokens
// use those names for other things (Keycloak's "role" arrays), so they are left to the caller.
Result<JwtClaims> readClaims(const json::object& object, const JwtVerifyOptions& options,
                             bool ours) {
  JwtClaims claims;
  // Types first, so a malformed claim is reported as such whatever else is wrong.
  AISAFE_TRY(const std::optional<std::int64_t> exp, readTime(object, "exp", false));
  AISAFE_TRY(const std::optional<std::int64_t> nbf, readTime(object, "nbf", true));
  AISAFE_TRY(const std::optional<std::int64_t> iat, readTime(object, "iat", false));
  for (auto [name, field] : {std::pair{"sub", &claims.sub}, std::pair{"iss", &claims.iss},
                             std::pair{"jti", &claims.jti}}) {
    AISAFE_RETURN_IF_ERROR(readString(object, name, *field));
  }
  if (ours) {
    for (auto [name, field] : {std::pair{"org", &claims.org}, std::pair{"role", &claims.role},
                               std::pair{"sid", &claims.sid}}) {
      AISAFE_RETURN_IF_ERROR(readString(object, name, *field));
    }
  }

  // A token without an expiry would be valid forever if it leaked.
  if (!exp) {
    return invalidArgument("missing exp claim");
  }
  const std::int64_t leeway = std::max<std::int64_t>(0, options.leeway_s);
  if (options.now_s > saturatingAdd(*exp, leeway)) {
    return invalidArgument("token expired");
  }
  if (nbf && *nbf > saturatingAdd(options.now_s, leeway)) {
    return invalidArgument("token not yet valid");
  }
  if (!object.contains("iss") || claims.iss != options.issuer) {
    return invalidArgument("wrong issuer");
  }
  AISAFE_RETURN_IF_ERROR(checkAudience(object, options.audience));
  if (claims.sub.empty()) {
    return invalidArgument("missing sub claim");
  }

  claims.aud = options.audience;
  claims.exp = *exp;
  claims.nbf = nbf.value_or(0);
  claims.iat = iat.value_or(0);
  return claims;
}

}  // namespace

std::string signHs256(const JwtClaims& claims, std::string_view secret) {
  json::object payload;
  payload["iss"] = claims.iss;
  payload["sub"] = claims.sub;
  payload["aud"] = claims.aud;
  payload["org"] = claims.org;
  payload["role"] = claims.role;
  payload["jti"] = claims.jti;
  if (!claims.sid.empty()) {
    payload["sid"] = claims.sid;
  }
  payload["iat"] = claims.iat;
  payload["nbf"] = claims.nbf;
  payload["exp"] = claims.exp;
  std::string token = crypto::base64UrlEncode(kHeaderJson);
  token.push_back('.');
  token += crypto::base64UrlEncode(json::serialize(payload));
  const std::string mac = crypto::hmacSha256(secret, token);
  token.push_back('.');
  token += crypto::base64UrlEncode(mac);
  return token;
}

Result<JwtClaims> verifyHs256(std::string_view token, std::string_view secret,
                              const JwtVerifyOptions& options) {
  // An empty key is what "kid: /dev/null" attacks aim for; empty issuer/audience would match
  // tokens minted for anyone. All three are deployment mistakes, so refuse every token.
  if (secret.empty() || options.issuer.empty() || options.audience.empty()) {
    return internalError("JWT verifier needs a secret, an issuer and an audience");
  }
  AISAFE_TRY(DecodedToken decoded, decode(token));
  AISAFE_RETURN_IF_ERROR(checkHeader(decoded.header, {"HS256"}).status());
  if (!crypto::constantTimeEquals(crypto::hmacSha256(secret, decoded.segments.signing_input),
                                  decoded.signature)) {
    return invalidArgument("bad signature");
  }
  // From here on the payload is known to come from a holder of the secret.
  const std::optional<json::object> claims = parseObject(decoded.payload_json);
  if (!claims) {
    return invalidArgument("malformed claims");
  }
  return readClaims(*claims, options, true);
}

std::string peekAlgorithm(std::string_view token) {
  auto decoded = decode(token);
  if (!decoded) {
    return {};
  }
  const json::value* alg = decoded->header.if_contains("alg");
  return alg != nullptr && alg->is_string() ? std::string(alg->get_string()) : std::string();
}

Result<ExternalJwt> verifyExternal(std::string_view token, const KeyLookup& lookup,
                                   const JwtVerifyOptions& options) {
  if (options.issuer.empty() || options.audience.empty()) {
    return internalError("JWT verifier needs an issuer and an audience");
  }
  AISAFE_TRY(DecodedToken decoded, decode(token));
  AISAFE_TRY(const std::string alg, checkHeader(decoded.header, {"RS256", "ES256"}));
  std::string kid;
  if (const json::value* v = decoded.header.if_contains("kid")) {
    if (!v->is_string()) {
      return invalidArgument("malformed header");
    }
    kid = std::string(v->get_string());
  }
  AISAFE_TRY(const PublicKey key, lookup(kid));
  // The key decides the algorithm, never the token: an RSA key cannot be used for "ES256", and
  // no public key ever serves as an HMAC secret (the classic RS256-to-HS256 confusion).
  if (key.alg != alg) {
    return invalidArgument("algorithm not allowed");
  }
  if (!verifyJwsSignature(key, decoded.segments.signing_input, decoded.signature)) {
    return invalidArgument("bad signature");
  }
  std::optional<json::object> claims = parseObject(decoded.payload_json);
  if (!claims) {
    return invalidArgument("malformed claims");
  }
  AISAFE_TRY(JwtClaims standard, readClaims(*claims, options, false));
  return ExternalJwt{std::move(standard), std::move(*claims)};
}

}  // namespace aisafe::auth
