#include "webhooks/secret_box.h"

#include "crypto/aes_gcm.h"
#include "crypto/base64.h"
#include "crypto/hmac.h"

namespace aisafe::webhooks {
namespace {

constexpr std::string_view kVersion = "v1.";

}  // namespace

SecretBox::SecretBox(std::string_view master_key)
    : key_(crypto::hmacSha256(master_key, "aisafe/webhook-secrets/v1")) {}

std::string SecretBox::seal(std::string_view plain) const {
  return std::string(kVersion) + crypto::base64UrlEncode(crypto::sealAes256Gcm(key_, plain));
}

Result<std::string> SecretBox::open(std::string_view sealed) const {
  if (sealed.substr(0, kVersion.size()) != kVersion) {
    return invalidArgument("not a sealed secret");
  }
  auto raw = crypto::base64UrlDecode(sealed.substr(kVersion.size()));
  if (!raw || raw->size() < crypto::kGcmNonceBytes + crypto::kGcmTagBytes) {
    return invalidArgument("not a sealed secret");
  }
  auto plain = crypto::openAes256Gcm(key_, *raw);
  if (!plain) {
    return invalidArgument("the sealed secret does not open with this key");
  }
  return plain;
}

}  // namespace aisafe::webhooks
