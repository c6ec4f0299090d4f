// AES-256-GCM sealing, through OpenSSL: confidentiality and integrity for secrets kept at rest that
// must be readable again (webhook signing secrets, webhooks/secret_box.h). A fresh random 96-bit
// nonce per seal, so one key can seal many values. Framing (a version prefix, text encoding) is
// the caller's. Thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace aisafe::crypto {

constexpr std::size_t kAes256KeyBytes = 32;
constexpr std::size_t kGcmNonceBytes = 12;  // the size GCM is specified for (NIST SP 800-38D)
constexpr std::size_t kGcmTagBytes = 16;    // the full tag: shorter tags make forgeries cheaper

// nonce || ciphertext || tag: `plain.size() + 28` raw bytes. `key` must be kAes256KeyBytes long
// (derive it, e.g. with hmacSha256 of a label; a bad length is a programming error and aborts, as
// does an OpenSSL allocation failure: there is no partial result to fall back to).
std::string sealAes256Gcm(std::string_view key, std::string_view plain);

// The plaintext of what sealAes256Gcm made under `key`. kInvalidArgument for anything else:
// another key, tampered or truncated bytes, or a wrong-length key.
Result<std::string> openAes256Gcm(std::string_view key, std::string_view sealed);

}  // namespace aisafe::crypto
