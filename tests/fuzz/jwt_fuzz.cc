// Token verification as the authentication middleware runs it on a bearer token: our own HS256
// tokens, and SSO tokens (RS256/ES256) against a fixed key set. Any bytes: no crash, an error
// or verified claims, never an exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "auth/jwk.h"
#include "auth/jwt.h"

namespace {

namespace auth = aisafe::auth;

// Tokens past kMaxTokenBytes are refused unread; a little more tests that refusal.
constexpr std::size_t kMaxInputBytes = auth::kMaxTokenBytes + 64;
constexpr std::string_view kSecret = "fuzz-secret-0123456789abcdef0123456789abcdef";
constexpr std::int64_t kNow = 1'900'000'000;  // the corpus' tokens are valid then

// The public half of the key that signed the corpus' ES256 tokens (tests/fuzz/corpus/jwt).
constexpr std::string_view kJwks =
    R"({"keys":[{"kty":"EC","crv":"P-256","kid":"fuzz-ec","use":"sig",
  "x":"mlAsMbsGO3BLiDb1SvUwgiB61ciGSwTYgJtlC-VAQ_k","y":"06bJ8V-CCOPzDMnJy6N9_tdTudMt1QDILh04RWnWneU"}]})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInputBytes) {
    return -1;
  }
  static const auto keys = [] {
    auto parsed = auth::parseJwks(kJwks);
    if (!parsed.isOk()) {
      std::abort();
    }
    return *parsed;
  }();
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  auth::JwtVerifyOptions options{"aisafe", "aisafe-api", kNow};
  (void)auth::verifyHs256(token, kSecret, options);
  (void)auth::peekAlgorithm(token);
  const auth::KeyLookup lookup = [&](std::string_view kid) -> aisafe::Result<auth::PublicKey> {
    for (const auto& k : keys) {
      if (k.kid == kid) {
        return k;
      }
    }
    return aisafe::invalidArgument("unknown key");
  };
  auth::JwtVerifyOptions external{"https://idp.example.com", "aisafe", kNow};
  (void)auth::verifyExternal(token, lookup, external);
  return 0;
}
