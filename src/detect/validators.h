// Validators confirm a candidate pattern match before it becomes a finding, so that patterns can
// stay simple and fast while a 16-digit number that fails Luhn is not reported as a card.
// Rules name their validator in rule data ("validator": "luhn"); names are resolved once at load.
// All validators are pure functions of the matched text.
#pragma once

#include <string_view>

namespace aisafe::detect {

using Validator = bool (*)(std::string_view match);

// The validator registered under `name`, or nullptr when there is none.
Validator findValidator(std::string_view name);

namespace validators {
bool luhn(std::string_view s);       // 13-19 digits (spaces/dashes ignored), Luhn checksum
bool ibanMod97(std::string_view s);  // ISO 13616: country, check digits, mod 97 == 1
bool usSsn(std::string_view s);      // area not 000/666/9xx, group not 00, serial not 0000
bool ipv4(std::string_view s);       // four octets 0..255, no leading zeros
bool ipv6(std::string_view s);       // inet_pton(AF_INET6)
bool phone(std::string_view s);      // 7..15 digits, not all the same digit
bool entropy(std::string_view s);    // assigned value is random-looking and not a placeholder
bool jwt(std::string_view s);        // three base64url parts; header is JSON with "alg"
double shannonEntropy(std::string_view s);  // bits per character
}  // namespace validators

}  // namespace aisafe::detect
