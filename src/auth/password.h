// Password rules and bcrypt hashing through libxcrypt (crypt_rn / crypt_gensalt_rn with a
// per-call struct crypt_data, so no static buffers: safe from any thread). Hashing is slow by
// design (cost 12 is roughly 250 ms): call it off the I/O threads.
//
// libcrypt takes passwords as NUL-terminated C strings. A password containing a NUL byte is
// therefore refused by the rules and never verifies: libcrypt would silently drop the bytes after
// the NUL, and other bcrypt implementations hash them, so no answer we could give would be right.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace aisafe::auth {

// Shorter passwords fall to offline guessing even at a high bcrypt cost (NIST SP 800-63B asks for
// at least 8; we ask a little more).
constexpr std::size_t kMinPasswordBytes = 10;
// bcrypt reads only the first 72 bytes; refusing longer passwords keeps users from believing the
// rest of a long passphrase protects them.
constexpr std::size_t kMaxPasswordBytes = 72;
// The cost range bcrypt defines ("$2b$04$" .. "$2b$31$"); production should use 12 or more.
constexpr int kMinBcryptCost = 4;
constexpr int kMaxBcryptCost = 31;

// Ok when `password` may be set: kMinPasswordBytes..kMaxPasswordBytes bytes (bytes, not
// characters: a UTF-8 character may take up to 4) and no NUL byte. Otherwise kInvalidArgument
// with a message fit to show the user. Never echoes the password.
Status checkPasswordRules(std::string_view password);

// A "$2b$" bcrypt hash (60 characters) of `password` with a fresh 128-bit salt from the CSPRNG.
// Errors: kInvalidArgument when the password breaks checkPasswordRules or `cost` is outside
// kMinBcryptCost..kMaxBcryptCost; kInternal if libcrypt fails.
Result<std::string> hashPassword(std::string_view password, int cost);

// True when `password` matches `hash`, a 60-character "$2a$", "$2b$" or "$2y$" bcrypt hash made
// by us or by another implementation. The recomputed hash is compared in constant time. Returns
// false (never crashes or throws) for anything else: other hash schemes, malformed hashes, the
// buggy "$2x$" variant, passwords containing NUL. As in every bcrypt, only the first 72 bytes of
// the password count, so hashes imported from systems that allowed longer passwords still verify.
// The length rules are not applied here: they are for new passwords, not existing hashes.
bool verifyPassword(std::string_view password, std::string_view hash);

}  // namespace aisafe::auth
