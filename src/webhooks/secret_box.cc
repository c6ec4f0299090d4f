#include "webhooks/secret_box.h"

#include <algorithm>
#include <cstdlib>
#include <memory>

#include <openssl/evp.h>

#include "auth/encoding.h"
#include "auth/jwt.h"

namespace aisafe::webhooks {
namespace {

constexpr std::string_view kVersion = "v1.";
constexpr std::size_t kNonce = 12, kTag = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

SecretBox::SecretBox(std::string_view master_key)
    : key_(auth::hmacSha256(master_key, "aisafe/webhook-secrets/v1")) {}

std::string SecretBox::seal(std::string_view plain) const {
  const std::string nonce = auth::randomBytes(kNonce);
  std::string out(nonce.size() + plain.size() + kTag, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  std::copy(nonce.begin(), nonce.end(), out.begin());
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  // With a valid key and nonce these calls only fail on allocation failure.
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key_), bytes(nonce)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), dst + kNonce, &len, bytes(plain),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), dst + kNonce + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, dst + kNonce + plain.size()) !=
          1) {
    std::abort();
  }
  return std::string(kVersion) + auth::base64UrlEncode(out);
}

Result<std::string> SecretBox::open(std::string_view sealed) const {
  if (sealed.substr(0, kVersion.size()) != kVersion) {
    return invalidArgument("not a sealed secret");
  }
  auto raw = auth::base64UrlDecode(sealed.substr(kVersion.size()));
  if (!raw || raw->size() < kNonce + kTag) {
    return invalidArgument("not a sealed secret");
  }
  const std::size_t n = raw->size() - kNonce - kTag;
  std::string plain(n, '\0');
  auto* data = reinterpret_cast<unsigned char*>(raw->data());
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  const bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key_), data) == 1 &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len,
                        data + kNonce, static_cast<int>(n)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, data + kNonce + n) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &len) ==
          1;
  if (!ok) {
    return invalidArgument("the sealed secret does not open with this key");
  }
  return plain;
}

}  // namespace aisafe::webhooks
