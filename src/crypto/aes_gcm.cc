#include "crypto/aes_gcm.h"

#include <algorithm>
#include <cstdlib>
#include <memory>

#include <openssl/evp.h>

#include "crypto/random.h"

namespace aisafe::crypto {
namespace {

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string sealAes256Gcm(std::string_view key, std::string_view plain) {
  if (key.size() != kAes256KeyBytes) {
    std::abort();
  }
  const std::string nonce = randomBytes(kGcmNonceBytes);
  std::string out(nonce.size() + plain.size() + kGcmTagBytes, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  std::copy(nonce.begin(), nonce.end(), out.begin());
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  // With a valid key and nonce these calls only fail on allocation failure.
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(nonce)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), dst + kGcmNonceBytes, &len, bytes(plain),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), dst + kGcmNonceBytes + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kGcmTagBytes,
                          dst + kGcmNonceBytes + plain.size()) != 1) {
    std::abort();
  }
  return out;
}

Result<std::string> openAes256Gcm(std::string_view key, std::string_view sealed) {
  if (key.size() != kAes256KeyBytes || sealed.size() < kGcmNonceBytes + kGcmTagBytes) {
    return invalidArgument("not a sealed value");
  }
  const std::size_t n = sealed.size() - kGcmNonceBytes - kGcmTagBytes;
  std::string plain(n, '\0');
  // OpenSSL's tag setter takes a non-const pointer; it only reads from it.
  std::string tag(sealed.substr(kGcmNonceBytes + n));
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  const bool ok =
      ctx &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(sealed)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), out, &len, bytes(sealed) + kGcmNonceBytes,
                        static_cast<int>(n)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kGcmTagBytes, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), out + len, &len) == 1;
  if (!ok) {
    return invalidArgument("the sealed value does not open with this key");
  }
  return plain;
}

}  // namespace aisafe::crypto
