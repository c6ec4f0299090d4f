// API key generation and format checks (see api_key_format.h).
#include "auth/api_key_format.h"

#include <utility>

#include "crypto/base62.h"
#include "crypto/random.h"
#include "crypto/sha256.h"

namespace aisafe::auth {
namespace {

constexpr std::size_t kChecksumBytes = 4;

// Base62 of the first 32 bits of SHA-256(body): 62^6 > 2^32, so six characters always suffice.
std::string checksumOf(std::string_view body) {
  const crypto::Sha256Digest digest = crypto::sha256(body);
  return crypto::base62Encode(
      std::string_view(reinterpret_cast<const char*>(digest.data()), kChecksumBytes));
}

bool isBase62(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

}  // namespace

NewApiKey generateApiKey() {
  std::string key(kApiKeyPrefix);
  key += crypto::base62Encode(crypto::randomBytes(kApiKeyRandomBytes));
  key += checksumOf(key);
  NewApiKey out;
  out.prefix = apiKeyPrefix(key);
  out.hash = apiKeyHash(key);
  out.key = std::move(key);
  return out;
}

bool looksLikeApiKey(std::string_view s) {
  if (s.size() != kApiKeyLength || !s.starts_with(kApiKeyPrefix)) {
    return false;
  }
  for (char c : s.substr(kApiKeyPrefix.size())) {
    if (!isBase62(c)) {
      return false;
    }
  }
  const std::size_t body_length = kApiKeyLength - kApiKeyChecksumChars;
  // The checksum is derived from the key itself and guards nothing secret, so a plain comparison
  // is fine here.
  return checksumOf(s.substr(0, body_length)) == s.substr(body_length);
}

std::string apiKeyHash(std::string_view key) { return crypto::sha256Hex(key); }

std::string apiKeyPrefix(std::string_view key) {
  return std::string(key.substr(0, kApiKeyPrefix.size() + kApiKeyDisplayChars));
}

}  // namespace aisafe::auth
