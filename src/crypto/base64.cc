#include "crypto/base64.h"

#include <array>
#include <cstdint>

namespace aisafe::crypto {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kBase64UrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Character -> 6-bit value, or -1 for characters outside the alphabet (including '=').
using DecodeTable = std::array<int, 256>;

constexpr DecodeTable makeDecodeTable(std::string_view alphabet) {
  DecodeTable table{};
  for (auto& v : table) {
    v = -1;
  }
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
  }
  return table;
}

constexpr DecodeTable kBase64Table = makeDecodeTable(kBase64Alphabet);
constexpr DecodeTable kBase64UrlTable = makeDecodeTable(kBase64UrlAlphabet);

std::string encode64(std::string_view bytes, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  auto byte_at = [&](std::size_t i) -> std::uint32_t {
    return static_cast<unsigned char>(bytes[i]);
  };
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = byte_at(i) << 16 | byte_at(i + 1) << 8 | byte_at(i + 2);
    out.push_back(alphabet[v >> 18]);
    out.push_back(alphabet[(v >> 12) & 0x3F]);
    out.push_back(alphabet[(v >> 6) & 0x3F]);
    out.push_back(alphabet[v & 0x3F]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = byte_at(i) << 16;
    out.push_back(alphabet[v >> 18]);
    out.push_back(alphabet[(v >> 12) & 0x3F]);
    if (pad) {
      out.append("==");
    }
  } else if (rest == 2) {
    const std::uint32_t v = byte_at(i) << 16 | byte_at(i + 1) << 8;
    out.push_back(alphabet[v >> 18]);
    out.push_back(alphabet[(v >> 12) & 0x3F]);
    out.push_back(alphabet[(v >> 6) & 0x3F]);
    if (pad) {
      out.push_back('=');
    }
  }
  return out;
}

// Decodes characters that carry data (padding already removed).
std::optional<std::string> decode64(std::string_view text, const DecodeTable& table) {
  // One leftover character holds only 6 bits: no encoder produces that length.
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = table[static_cast<unsigned char>(c)];
    if (v < 0) {
      return std::nullopt;
    }
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
      buffer &= (1u << bits) - 1;
    }
  }
  // Non-zero leftover bits would let several strings decode to the same bytes.
  if (buffer != 0) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::string base64UrlEncode(std::string_view bytes) {
  return encode64(bytes, kBase64UrlAlphabet, /*pad=*/false);
}

std::optional<std::string> base64UrlDecode(std::string_view text) {
  return decode64(text, kBase64UrlTable);
}

std::string base64Encode(std::string_view bytes) {
  return encode64(bytes, kBase64Alphabet, /*pad=*/true);
}

std::optional<std::string> base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return std::nullopt;
  }
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
    ++padding;
  }
  // A third '=' stays in the data part, where the table refuses it.
  return decode64(text.substr(0, text.size() - padding), kBase64Table);
}

}  // namespace aisafe::crypto
