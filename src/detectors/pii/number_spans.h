// The pre-filter in front of the phone and card checks: finds the digit runs of a text that
// are joined the way people type phone and card numbers ("+1 (415) 555-0132", "06.12.34.56.78",
// "8 (912) 345-67-89", "4111 1111 1111 1111") and keeps those with enough digits to be one.
// Prose costs one 16-byte comparison per 16 bytes; a text without a run of kMinDigits digits
// never reaches the checks behind it (libphonenumber costs about 100 µs a call).
// It only groups digits; it does not judge them (phone_shape.h, card_number.h do). Pure
// functions; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace aisafe::detectors::pii {

// Fewer digits than this is a ZIP code, a year or an order number, never a phone number (the
// shortest in use have 6 digits, written in pairs: "61 51 81"; phone_shape.h wants 7 otherwise).
constexpr std::size_t kMinDigits = 6;
// Groups kept per span: "+44 (0) 20 7946 0958 x 12" has 6; 16 covers pasted number lists.
constexpr std::size_t kMaxGroups = 16;

// Which separators join a span's groups (bit flags).
enum Separator : std::uint8_t {
  kSpace = 1,
  kDash = 2,
  kDot = 4,
  kSlash = 8,
  kParen = 16,  // "(415) 555", "(978)645", "8 (912)"
};

struct DigitGroup {
  std::uint32_t begin;  // bytes of the text
  std::uint32_t end;
  std::uint8_t gap;  // Separator flags of the gap before this group (0 for the first)
};

// Digits joined by phone/card separators, as found in the text.
struct NumberSpan {
  std::size_t begin = 0;    // a leading '+' or '(' when there is one, else the first digit
  std::size_t end = 0;      // one past the last digit
  std::size_t ext_end = 0;  // past an extension ("x818", " ext. 12") when one follows; else end
  bool plus = false;        // written with a leading '+'
  std::uint8_t count = 0;   // groups used in `groups`
  std::array<DigitGroup, kMaxGroups> groups{};
  std::size_t digits() const;
  std::uint8_t separators() const;  // union of the gaps' flags
};

// Appends to `out` (cleared first) every span of `text` with at least kMinDigits digits, in
// text order. Long spans are kept whole: a card or phone number inside one is found by the
// checks (a run of groups, or one space-separated token at a time: tokens()).
void findNumberSpans(std::string_view text, std::vector<NumberSpan>& out);

// The sub-span of `span` made of groups [first, last] (inclusive), with its own begin/end
// (a leading '+' or '(' kept only when `first` is 0).
NumberSpan subSpan(const NumberSpan& span, std::size_t first, std::size_t last);

// Whether a number starting at byte `begin` of `text` starts a token (not "v1.2345678",
// "ref-4111...", "AB12345678"), and whether one ending at `end` ends one (not "1234567abc",
// "1234567-x", "12345678.9"; a sentence's final '.' or ',' is fine).
bool startsToken(std::string_view text, std::size_t begin);
bool endsToken(std::string_view text, std::size_t end);

// The parts of `span` between space gaps whose neighbours are joined otherwise ("678-777-1600
// 2813882583" is two numbers), each with at least kMinDigits digits. Empty when the span has
// no such split.
std::vector<NumberSpan> tokens(const NumberSpan& span);

}  // namespace aisafe::detectors::pii
