// What an OIDC provider sends us: its JWK Set (auth/jwk.h parseJwks), taken in by the verifier
// (auth/oidc.h) and then used to verify a token; plus the OIDC_ROLE_MAP setting. A provider that
// is compromised or misconfigured must not crash the server: any bytes give an error or keys.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/jwk.h"
#include "auth/oidc.h"

namespace {

namespace auth = aisafe::auth;

constexpr std::size_t kMaxInputBytes = 64 * 1024;  // real key sets are a few KiB
constexpr std::int64_t kNow = 1'900'000'000;

// Signed by the key in corpus/jwks/ec_one (kid "fuzz-ec"), valid at kNow.
constexpr std::string_view kToken =
    "eyJhbGciOiJFUzI1NiIsImtpZCI6ImZ1enotZWMifQ."
    "eyJzdWIiOiJva3RhfDQyIiwiaXNzIjoiaHR0cHM6Ly9pZHAuZXhhbXBsZS5jb20iLCJhdWQiOlsiYWlzYWZlIiwib3RoZX"
    "IiXSwiZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE4OTk5OTkwMDAsImVtYWlsIjoiYUBleGFtcGxlLmNvbSIsIm9yZ19pZCI6"
    "Im9yZ18xIiwicm9sZXMiOlsiYWRtaW4iXX0.uHC4Ob-m41XJXJW3ELDfjIt1Hb8-"
    "iSketxgY7HR6KrsidYzubWRlzRSeia_XvY9fsMqbZpMygoDhpBTwIogZNA";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInputBytes) {
    return -1;
  }
  const std::string document(reinterpret_cast<const char*>(data), size);
  (void)auth::parseJwks(document);
  (void)auth::parseRoleMap(document);

  auth::OidcOptions options;
  options.issuer = "https://idp.example.com";
  options.audience = "aisafe";
  options.default_role = "member";
  auth::OidcVerifier verifier(options, [&]() -> aisafe::Result<std::string> { return document; });
  (void)verifier.refresh();
  (void)verifier.verify(kToken, kNow);
  return 0;
}
