#include "crypto/base62.h"

#include <cmath>
#include <vector>

namespace aisafe::crypto {
namespace {

constexpr std::string_view kBase62Alphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

}  // namespace

std::string base62Encode(std::string_view bytes) {
  // The smallest width w with 62^w >= 256^n. 62^w is never a power of two, so the quotient is
  // never an exact integer and double precision places the ceiling correctly for any key size.
  const auto width =
      static_cast<std::size_t>(std::ceil(static_cast<double>(bytes.size()) * 8 / std::log2(62.0)));
  std::string out(width, kBase62Alphabet[0]);
  std::vector<unsigned char> number(bytes.begin(), bytes.end());
  std::size_t start = 0;  // first non-zero byte of the shrinking quotient
  while (start < number.size() && number[start] == 0) {
    ++start;
  }
  std::size_t pos = width;
  while (start < number.size()) {
    // Long division of the big-endian number by 62; the remainder is the next digit.
    unsigned remainder = 0;
    for (std::size_t i = start; i < number.size(); ++i) {
      const unsigned current = remainder * 256 + number[i];
      number[i] = static_cast<unsigned char>(current / 62);
      remainder = current % 62;
    }
    out[--pos] = kBase62Alphabet[remainder];
    while (start < number.size() && number[start] == 0) {
      ++start;
    }
  }
  return out;
}

}  // namespace aisafe::crypto
