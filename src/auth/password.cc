// bcrypt through libxcrypt (see password.h).
#include "auth/password.h"

#include <memory>

#include <crypt.h>
#include <openssl/crypto.h>

#include "crypto/constant_time.h"
#include "crypto/random.h"

namespace aisafe::auth {
namespace {

// "$2b$12$" + 22 salt characters + 31 hash characters.
constexpr std::size_t kBcryptHashLength = 60;
// crypt_gensalt_rn wants at least 16 random bytes for bcrypt's 128-bit salt.
constexpr std::size_t kSaltBytes = 16;

bool isBcryptBase64(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '/';
}

// Shape of "$2?$NN$<53 chars>" with a known-good variant and an in-range cost, checked before
// libcrypt sees the string so that other schemes ("$1$", "$6$", DES) are never computed.
bool looksLikeBcrypt(std::string_view hash) {
  if (hash.size() != kBcryptHashLength) {
    return false;
  }
  if (hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$') {
    return false;
  }
  // "$2x$" marks hashes made by the sign-extension bug of old crypt_blowfish; "$2$" is obsolete.
  if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') {
    return false;
  }
  if (hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9') {
    return false;
  }
  const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < kMinBcryptCost || cost > kMaxBcryptCost) {
    return false;
  }
  for (std::size_t i = 7; i < hash.size(); ++i) {
    if (!isBcryptBase64(hash[i])) {
      return false;
    }
  }
  return true;
}

// libcrypt's working area is 32 KiB: on the heap so coroutine and I/O thread stacks stay small,
// wiped afterwards because it held key material.
struct CryptArea {
  CryptArea() : data(std::make_unique<crypt_data>()) {}
  ~CryptArea() { OPENSSL_cleanse(data.get(), sizeof(crypt_data)); }
  CryptArea(const CryptArea&) = delete;
  CryptArea& operator=(const CryptArea&) = delete;
  std::unique_ptr<crypt_data> data;
};

// A password as the NUL-terminated string libcrypt reads, wiped when it goes out of scope.
struct SecretString {
  explicit SecretString(std::string_view s) : value(s) {}
  ~SecretString() { OPENSSL_cleanse(value.data(), value.size()); }
  SecretString(const SecretString&) = delete;
  SecretString& operator=(const SecretString&) = delete;
  std::string value;
};

}  // namespace

Status checkPasswordRules(std::string_view password) {
  if (password.size() < kMinPasswordBytes) {
    return invalidArgument("password must be at least " + std::to_string(kMinPasswordBytes) +
                           " bytes long");
  }
  if (password.size() > kMaxPasswordBytes) {
    return invalidArgument("password must be at most " + std::to_string(kMaxPasswordBytes) +
                           " bytes long (bcrypt ignores every byte after the 72nd, so a longer "
                           "password would not be as strong as it looks)");
  }
  if (password.find('\0') != std::string_view::npos) {
    return invalidArgument("password must not contain a NUL byte");
  }
  return Status::ok();
}

Result<std::string> hashPassword(std::string_view password, int cost) {
  AISAFE_RETURN_IF_ERROR(checkPasswordRules(password));
  if (cost < kMinBcryptCost || cost > kMaxBcryptCost) {
    return invalidArgument("bcrypt cost must be between " + std::to_string(kMinBcryptCost) +
                           " and " + std::to_string(kMaxBcryptCost));
  }
  const std::string salt_bytes = crypto::randomBytes(kSaltBytes);
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), salt_bytes.data(),
                       static_cast<int>(salt_bytes.size()), setting,
                       static_cast<int>(sizeof setting)) == nullptr) {
    return internalError("crypt_gensalt_rn failed for bcrypt");
  }
  const SecretString phrase(password);
  CryptArea area;
  const char* hash = crypt_rn(phrase.value.c_str(), setting, area.data.get(),
                              static_cast<int>(sizeof(crypt_data)));
  if (hash == nullptr || !looksLikeBcrypt(hash)) {
    return internalError("bcrypt hashing failed");
  }
  return std::string(hash);
}

bool verifyPassword(std::string_view password, std::string_view hash) {
  if (!looksLikeBcrypt(hash)) {
    return false;
  }
  if (password.find('\0') != std::string_view::npos) {
    return false;
  }
  // bcrypt stops reading at 72 bytes anyway; cutting here also keeps us under libcrypt's 512-byte
  // passphrase limit, which would otherwise make long passwords fail instead of behaving as bcrypt.
  const SecretString phrase(password.substr(0, kMaxPasswordBytes));
  const std::string setting(hash);  // libcrypt needs it NUL-terminated
  CryptArea area;
  const char* computed = crypt_rn(phrase.value.c_str(), setting.c_str(), area.data.get(),
                                  static_cast<int>(sizeof(crypt_data)));
  if (computed == nullptr) {
    return false;
  }
  return crypto::constantTimeEquals(computed, hash);
}

}  // namespace aisafe::auth
