#include "crypto/constant_time.h"

#include <openssl/crypto.h>

namespace aisafe::crypto {

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    // Same work as an equal-length comparison, so only the length (public anyway) shows.
    (void)CRYPTO_memcmp(a.data(), a.data(), a.size());
    return false;
  }
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace aisafe::crypto
