// UTF-8 helpers shared by the HTTP layer (request validation) and the detector engine.
// Pure functions, no allocation unless they return a string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aisafe::utf8 {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
bool isValid(std::string_view text);

// How many bytes at the start of `text` are ASCII. Prompts mostly are, so it looks at 16 bytes
// at a time.
std::size_t asciiPrefix(std::string_view text);

// How many bytes of `text` are not UTF-8 continuation bytes (10xxxxxx): its code points when it
// is valid, and a count that never exceeds its length when it is not. Eight bytes at a time.
std::size_t countCodePoints(std::string_view text);

// Byte offset of the first invalid sequence, or nullopt when valid.
std::optional<std::size_t> firstInvalid(std::string_view text);

// Decodes the code point starting at `pos` of valid UTF-8; sets `len` to its byte length.
char32_t decode(std::string_view text, std::size_t pos, std::size_t& len);

// Appends the UTF-8 encoding of `cp` to `out`.
void append(std::string& out, char32_t cp);

}  // namespace aisafe::utf8
