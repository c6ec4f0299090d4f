// Comparing secrets (MACs, password hashes, canary tags) without an early exit, so the time a
// comparison takes does not tell an attacker how many leading bytes were right. Thread-safe.
#pragma once

#include <string_view>

namespace aisafe::crypto {

// True when `a` and `b` are byte-for-byte equal, in time that depends only on their lengths (via
// CRYPTO_memcmp). Unequal lengths return false after the same amount of work as comparing `a`
// with itself, so the content is not revealed by an early exit.
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace aisafe::crypto
