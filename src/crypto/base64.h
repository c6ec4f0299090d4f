// Base64 and base64url (RFC 4648) for tokens, keys and sealed secrets. Pure functions over bytes,
// no I/O, safe to call from any thread.
//
// The decoders are strict on purpose: a token or key has exactly one accepted spelling, so two
// different strings can never stand for the same credential (which would defeat caches and
// replay checks keyed by the string). That is why these are written here rather than taken from
// OpenSSL: EVP_DecodeBlock skips whitespace, accepts non-zero unused bits and has no base64url.
// (The detectors' lenient decoders for obfuscated text are another job: detect/decoders.h.)
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace aisafe::crypto {

// RFC 4648 section 5 base64url without padding, as JWS (RFC 7515) uses it.
std::string base64UrlEncode(std::string_view bytes);

// Decodes unpadded base64url. Returns nullopt for any character outside [A-Za-z0-9_-] (including
// '='), for an impossible length (4k+1) and for non-zero unused bits in the last character.
std::optional<std::string> base64UrlDecode(std::string_view text);

// RFC 4648 section 4 standard base64 with '=' padding.
std::string base64Encode(std::string_view bytes);

// Decodes padded standard base64. Returns nullopt unless the length is a multiple of 4, padding
// appears only as the last one or two characters, every other character is in [A-Za-z0-9+/] and
// the unused bits of the last data character are zero. No whitespace is skipped.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace aisafe::crypto
