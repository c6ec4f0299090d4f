// Webhook signing secrets at rest: they must be readable to sign, so they are encrypted rather
// than hashed. AES-256-GCM (crypto/aes_gcm.h) with a key derived from SECRET_KEY by HMAC-SHA256
// under a fixed label, a random 96-bit nonce per secret, and a version prefix for later key
// changes. Changing SECRET_KEY makes stored secrets unreadable: endpoints then need a rotation.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace aisafe::webhooks {

class SecretBox {
 public:
  explicit SecretBox(std::string_view master_key);

  // "v1." + base64url(nonce || ciphertext || tag).
  std::string seal(std::string_view plain) const;
  // kInvalidArgument for anything not sealed by this key (wrong key, tampered, truncated).
  Result<std::string> open(std::string_view sealed) const;

 private:
  std::string key_;  // 32 bytes
};

}  // namespace aisafe::webhooks
