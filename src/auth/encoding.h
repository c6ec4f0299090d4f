// Byte encodings and the two primitives every credential check needs: constant-time comparison and
// CSPRNG bytes. Pure functions over bytes, no I/O, safe to call from any thread.
//
// The decoders are strict on purpose: a token or key has exactly one accepted spelling, so two
// different strings can never stand for the same credential (which would defeat caches and
// replay checks keyed by the string).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace aisafe::auth {

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

// Big-endian base62 ("0-9A-Za-z", in ASCII order) of `bytes` read as one unsigned number, always
// exactly ceil(8 * size / log2(62)) characters, left-padded with '0': inputs of the same length
// give outputs of the same length (32 bytes -> 43 characters, 4 bytes -> 6). Quadratic in the
// input size; meant for keys and checksums, not bulk data.
std::string base62Encode(std::string_view bytes);

// True when `a` and `b` are byte-for-byte equal, in time that depends only on their lengths (via
// CRYPTO_memcmp). Unequal lengths return false after the same amount of work as comparing `a`
// with itself, so the content is not revealed by an early exit.
bool constantTimeEquals(std::string_view a, std::string_view b);

// `n` bytes from OpenSSL's CSPRNG. Never returns predictable bytes: if the CSPRNG fails (only when
// the OS entropy source is gone) the process aborts, because every caller turns these bytes into
// a secret (salt, API key) and a guessable secret is worse than a crash.
std::string randomBytes(std::size_t n);

}  // namespace aisafe::auth
