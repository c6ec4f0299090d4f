// The value of one base64 digit, in the standard alphabet (+ /) and the URL-safe one (- _) alike,
// or -1. Shared by the decoders (base64 layers hidden in prompts) and the validators (JWT
// segments), which must read the same digits.
#pragma once

namespace aisafe::detect {

constexpr int base64DigitValue(unsigned char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+' || c == '-') {
    return 62;
  }
  if (c == '/' || c == '_') {
    return 63;
  }
  return -1;
}

}  // namespace aisafe::detect
