#include "crypto/random.h"

#include <climits>
#include <cstdio>
#include <cstdlib>

#include <openssl/rand.h>

namespace aisafe::crypto {

std::string randomBytes(std::size_t n) {
  std::string out(n, '\0');
  if (n > static_cast<std::size_t>(INT_MAX) ||
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::fputs("aisafe: the OpenSSL CSPRNG failed; refusing to make a guessable secret\n", stderr);
    std::abort();
  }
  return out;
}

}  // namespace aisafe::crypto
