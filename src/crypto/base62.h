// Base62 of key material: API keys and their checksums (auth/api_key_format.h) are spelled in
// [0-9A-Za-z] so they survive being double-clicked, pasted into URLs and shell commands. Pure,
// safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace aisafe::crypto {

// Big-endian base62 ("0-9A-Za-z", in ASCII order) of `bytes` read as one unsigned number, always
// exactly ceil(8 * size / log2(62)) characters, left-padded with '0': inputs of the same length
// give outputs of the same length (32 bytes -> 43 characters, 4 bytes -> 6). Quadratic in the
// input size; meant for keys and checksums, not bulk data.
std::string base62Encode(std::string_view bytes);

}  // namespace aisafe::crypto
