// Secret random bytes from OpenSSL's CSPRNG, for salts, keys, tokens and nonces. Thread-safe.
// Random resource ids have their own pooled source (crypto/random_ids.h).
#pragma once

#include <cstddef>
#include <string>

namespace aisafe::crypto {

// `n` bytes from OpenSSL's CSPRNG. Never returns predictable bytes: if the CSPRNG fails (only when
// the OS entropy source is gone) the process aborts, because every caller turns these bytes into
// a secret (salt, API key, nonce) and a guessable secret is worse than a crash.
std::string randomBytes(std::size_t n);

}  // namespace aisafe::crypto
