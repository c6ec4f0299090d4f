// Lower-case hex of bytes, for ids, digests and trace ids.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace aisafe::hex {

inline constexpr char kDigits[] = "0123456789abcdef";

// Appends two hex digits per byte, high nibble first.
inline void append(std::string& out, const unsigned char* bytes, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xF]);
  }
}

inline std::string encode(const unsigned char* bytes, std::size_t n) {
  std::string out;
  out.reserve(2 * n);
  append(out, bytes, n);
  return out;
}

inline std::string encode(std::string_view bytes) {
  return encode(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

}  // namespace aisafe::hex
