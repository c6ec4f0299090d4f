#include "crypto/hmac.h"

#include <climits>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace aisafe::crypto {

std::string hmacSha256(std::string_view key, std::string_view data) {
  // OpenSSL wants non-null pointers even for empty inputs.
  static constexpr unsigned char kEmpty[1] = {0};
  const void* key_ptr = key.empty() ? kEmpty : static_cast<const void*>(key.data());
  const auto* data_ptr =
      data.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(data.data());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (key.size() > static_cast<std::size_t>(INT_MAX) ||
      HMAC(EVP_sha256(), key_ptr, static_cast<int>(key.size()), data_ptr, data.size(), mac,
           &mac_len) == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(mac), mac_len);
}

}  // namespace aisafe::crypto
