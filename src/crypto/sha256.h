// SHA-256, through OpenSSL. Used across modules: audit records store the SHA-256 of a text instead
// of the text, cache keys and fingerprints are digests, stored tokens and API keys are kept as
// their digest. Thread-safe (each thread reuses its own digest context).
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace aisafe::crypto {

using Sha256Digest = std::array<unsigned char, 32>;

// SHA-256 of `data`.
Sha256Digest sha256(std::string_view data);

// Lowercase hex SHA-256 of `data`.
std::string sha256Hex(std::string_view data);

}  // namespace aisafe::crypto
