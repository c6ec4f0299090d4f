// Payment card numbers: the issuer ranges (IIN prefixes) with the lengths each scheme issues,
// the Luhn check every scheme uses, and the ways card numbers are written (all digits, or in
// fours: 4-4-4-4, 4-4-4-4-3, Amex 4-6-5, Diners 4-6-4). A number of a known issuer's range and
// length that passes Luhn is a card; how sure that is depends on its length and writing (a
// 13-digit run can be anything, 4111 1111 1111 1111 hardly).
// The table is data (card_number.cc) from the schemes' published ranges; UATP (any 15 digits
// starting with 1) is left out on purpose: too many order numbers look like it.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "detectors/pii/number_spans.h"

namespace aisafe::detectors::pii {

struct CardIssuer {
  std::string_view name;     // "Visa", "Mastercard", ...
  std::string_view rule_id;  // the finding's rule, "pii.credit_card.visa"
  std::uint32_t low;         // first six digits, inclusive range
  std::uint32_t high;
  std::uint32_t lengths;  // bit n set: n-digit numbers are issued
};

// The first issuer of the table whose range and lengths take `digits` (12-19 ASCII digits,
// nothing else), or nullptr.
const CardIssuer* findIssuer(std::string_view digits);

// The Luhn (mod 10) check over ASCII digits.
bool luhnValid(std::string_view digits);

// A card number written in `span` (groups `first`..`last` of it): issuer, digits and how it
// is written. Checked: 12-19 digits, a card grouping, an issuer's range and length, Luhn.
struct CardMatch {
  const CardIssuer* issuer = nullptr;
  std::size_t begin = 0;  // bytes of the text
  std::size_t end = 0;
  std::size_t digits = 0;
  bool grouped = false;  // written in groups (4-4-4-4, 4-6-5, ...), not as one run
};

// The longest card number among the runs of consecutive groups of `span` (a card followed by
// "12/27" or preceded by a phone number in the same span is still found), or nullopt.
std::optional<CardMatch> findCard(std::string_view text, const NumberSpan& span);

}  // namespace aisafe::detectors::pii
