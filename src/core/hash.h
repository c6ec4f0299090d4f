// Hashes used across modules (audit records store the SHA-256 of a text instead of the text).
#pragma once

#include <string>
#include <string_view>

namespace aisafe::hash {

// Lowercase hex SHA-256 of `data`.
std::string sha256Hex(std::string_view data);

}  // namespace aisafe::hash
