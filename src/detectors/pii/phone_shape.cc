#include "detectors/pii/phone_shape.h"

#include <array>
#include <string>

#include "detectors/pii/number_context.h"

namespace aisafe::detectors::pii {
namespace {

// E.164 allows 15 digits after the country code's '+'; a national number written with its
// trunk prefix has at most 13 (Argentina's "011 15-2345-6789").
constexpr std::size_t kMaxInternationalDigits = 15;
constexpr std::size_t kMaxNationalDigits = 13;
// Six digits are a phone number only as three pairs beside a phone word ("61 51 81 office").
constexpr std::size_t kMinPhoneDigits = 7;
// After a 00 prefix: a country code and a subscriber number (the shortest: 8 digits).
constexpr std::size_t kMinInternationalDigits = 8;

struct Groups {
  std::array<std::size_t, kMaxGroups> size{};
  std::array<int, kMaxGroups> value{};  // the group read as a number (first 9 digits)
  std::size_t count = 0;
};

Groups readGroups(std::string_view text, const NumberSpan& span, std::string& digits) {
  Groups g;
  g.count = span.count;
  for (std::size_t i = 0; i < span.count; ++i) {
    const std::string_view group =
        text.substr(span.groups[i].begin, span.groups[i].end - span.groups[i].begin);
    g.size[i] = group.size();
    int v = 0;
    for (std::size_t k = 0; k < group.size() && k < 9; ++k) {
      v = v * 10 + (group[k] - '0');
    }
    g.value[i] = v;
    digits.append(group);
  }
  return g;
}

bool isYear(int v) { return v >= 1900 && v <= 2099; }

bool isMonth(int v) { return v >= 1 && v <= 12; }
bool isDay(int v) { return v >= 1 && v <= 31; }

int numberAt(std::string_view digits, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    v = v * 10 + (digits[i] - '0');
  }
  return v;
}

// 2024-05-01, 01/05/2024, 5.1.2024, 20240501, 01052024, 202405011230.
bool isDate(const Groups& g, std::string_view digits) {
  if (g.count == 3) {
    const auto [a, b, c] = std::array{g.value[0], g.value[1], g.value[2]};
    if (g.size[0] == 4 && g.size[1] <= 2 && g.size[2] <= 2) {
      return isYear(a) && isMonth(b) && isDay(c);
    }
    if (g.size[0] <= 2 && g.size[1] <= 2 && g.size[2] == 4) {
      return isYear(c) && ((isMonth(a) && isDay(b)) || (isDay(a) && isMonth(b)));
    }
    return false;
  }
  if (g.count != 1) {
    return false;
  }
  const std::size_t n = digits.size();
  if (n == 8 || n == 12 || n == 14) {
    if (isYear(numberAt(digits, 0, 4)) && isMonth(numberAt(digits, 4, 2)) &&
        isDay(numberAt(digits, 6, 2))) {
      return true;
    }
  }
  if (n == 8 && isYear(numberAt(digits, 4, 4))) {
    const int a = numberAt(digits, 0, 2);
    const int b = numberAt(digits, 2, 2);
    return (isDay(a) && isMonth(b)) || (isMonth(a) && isDay(b));
  }
  return false;
}

// Another kind of number written with the same characters: an address, a version, a
// decimal or fraction, an SSN, a list of years, a Unix timestamp.
bool isOtherNumber(const Groups& g, std::string_view digits, std::uint8_t seps) {
  if (isDate(g, digits)) {
    return true;
  }
  if (g.count == 4 && seps == kDot) {  // 192.168.1.20 (the ipv4 rule's)
    bool octets = true;
    for (std::size_t i = 0; i < 4; ++i) {
      octets = octets && g.size[i] <= 3;
    }
    if (octets) {
      return true;
    }
  }
  if (g.count == 3 && seps == kDash && g.size[0] == 3 && g.size[1] == 2 && g.size[2] == 4) {
    return true;  // 536-22-1847 (the us_ssn rule's)
  }
  if (seps == kDot) {
    for (std::size_t i = 0; i < g.count; ++i) {
      if (g.size[i] == 1) {
        return true;  // 1.2.3456789, 10.4.3.2024
      }
    }
  }
  if (g.count == 2 && (seps & (kDot | kSlash)) != 0) {
    return true;  // 1234.5678, 1234567/8
  }
  if (g.count >= 2) {
    bool years = true;
    for (std::size_t i = 0; i < g.count; ++i) {
      years = years && g.size[i] == 4 && g.value[i] >= 1000 && g.value[i] <= 2099;
    }
    if (years) {
      return true;  // 2023 2024 2025, 1600-1800
    }
  }
  // Unix time in seconds or milliseconds (no country's numbers take ten digits from a 1).
  return g.count == 1 && (digits.size() == 10 || digits.size() == 13) && digits[0] == '1';
}

// "1 234 567", "1.234.567", "612 345 678": thousands grouping, which Spanish, Polish or
// Portuguese numbers share with amounts.
bool thousandsLike(const Groups& g, std::uint8_t seps) {
  if (g.count < 2 || (seps != kSpace && seps != kDot) || g.size[0] > 3) {
    return false;
  }
  for (std::size_t i = 1; i < g.count; ++i) {
    if (g.size[i] != 3) {
      return false;
    }
  }
  return true;
}

// Which group sits in parentheses: the first when the span opens with '(', else the one after
// a gap that opens them ("8 (912) 345-67-89"); count when none.
std::size_t parenGroup(std::string_view text, const NumberSpan& span) {
  if (text[span.begin] == '(' ||
      (span.plus && span.begin + 1 < text.size() && text[span.begin + 1] == '(')) {
    return 0;
  }
  for (std::size_t i = 1; i < span.count; ++i) {
    if ((span.groups[i].gap & kParen) != 0 && text[span.groups[i].begin - 1] == '(') {
      return i;
    }
  }
  return span.count;
}

}  // namespace

double shapeScore(PhoneShape shape) {
  switch (shape) {
    case PhoneShape::kInternational:
      return 0.8;
    case PhoneShape::kAreaInParens:
      return 0.75;
    case PhoneShape::kGrouped:
      return 0.6;
    case PhoneShape::kTrunkPair:
      return 0.55;
    case PhoneShape::kAmbiguous:
    case PhoneShape::kNeedsPhoneWord:
      return 0.3;
    case PhoneShape::kNone:
      break;
  }
  return 0.0;
}

PhoneShape phoneShape(std::string_view text, const NumberSpan& span) {
  std::string digits;
  const Groups g = readGroups(text, span, digits);
  const std::uint8_t seps = span.separators();
  // "0044 20 7946 0958", "001-748-088-2851"; "0028.1027" is too short to dial abroad.
  const bool idd = !span.plus && g.size[0] >= 2 && digits.substr(0, 2) == "00" &&
                   digits.size() >= 2 + kMinInternationalDigits;
  const bool international = span.plus || idd;
  const std::size_t n = idd ? digits.size() - 2 : digits.size();
  if (n < kMinDigits || n > (international ? kMaxInternationalDigits : kMaxNationalDigits)) {
    return PhoneShape::kNone;
  }
  if (digits.find_first_not_of(digits[0]) == std::string::npos ||
      digits.find_first_not_of("01") == std::string::npos) {
    return PhoneShape::kNone;  // 000-000-0000, 1111111, 0110 1001 (bits)
  }
  if (!startsToken(text, span.begin) ||
      !(endsToken(text, span.ext_end) || phoneLabelAt(text, span.ext_end))) {
    return PhoneShape::kNone;
  }
  if (!international && digits.rfind("00", 0) == 0) {
    return PhoneShape::kNone;  // too short to dial abroad, and no national number starts so
  }
  if (international) {
    // "+1234567 points" is a score; an E.164 number in one run has ten digits or more.
    return span.count > 1 || n >= 10 ? PhoneShape::kInternational : PhoneShape::kAmbiguous;
  }
  if (isOtherNumber(g, digits, seps)) {
    return PhoneShape::kNone;
  }
  if (n < kMinPhoneDigits) {
    bool pairs = g.count >= 3;
    for (std::size_t i = 0; i < g.count; ++i) {
      pairs = pairs && g.size[i] == 2;
    }
    return pairs ? PhoneShape::kAmbiguous : PhoneShape::kNone;
  }
  const std::size_t paren = parenGroup(text, span);
  if (paren < g.count) {
    std::size_t after = 0;  // digits after the parentheses
    for (std::size_t i = paren + 1; i < g.count; ++i) {
      after += g.size[i];
    }
    // "(1) 123-456" and "items (3) 100-200" number a list; an area code has 2-5 digits, or
    // one before a full subscriber number (Santiago's "(2) 2123 4567").
    if (g.size[paren] <= 5 && (g.size[paren] >= 2 ? after >= 5 : after >= 8)) {
      return PhoneShape::kAreaInParens;
    }
    return PhoneShape::kNone;
  }
  // "1 5 9 12 15 21", "9-38-6-7810": single digits inside are counting or arithmetic.
  for (std::size_t i = 1; i < g.count; ++i) {
    if (g.size[i] == 1) {
      return PhoneShape::kNone;
    }
  }
  if (g.count == 2 && g.size[1] < 3) {
    return PhoneShape::kNone;  // "2050151 32"
  }
  // Amounts, ranges and section numbers that metadata would often call valid. (An amount
  // never starts with 0; "02 123 456" and "010-2000-0000" are numbers to dial.)
  const bool amount_like = digits[0] != '0';
  for (std::size_t i = 1; i < g.count && amount_like; ++i) {
    if (g.size[i] >= 3 && g.value[i] == 0) {
      return PhoneShape::kNeedsPhoneWord;  // 734 000 000, 29.000 - 24.000
    }
  }
  if (amount_like && thousandsLike(g, seps)) {
    // "612 345 678" is a Spanish mobile as often as an amount; "22 338 618" mostly an amount.
    return g.size[0] == 3 ? PhoneShape::kAmbiguous : PhoneShape::kNeedsPhoneWord;
  }
  if (seps == kDot && n < 9) {
    return PhoneShape::kNeedsPhoneWord;  // 40.14.050
  }
  if (g.count == 2 && seps == kDash && digits[0] != '0') {
    return PhoneShape::kNeedsPhoneWord;  // 1600-1800, 2379-2380, 973-1048
  }
  if (g.count >= 3) {
    for (std::size_t i = 0; i < g.count; ++i) {
      const bool first = i == 0;
      const bool last = i + 1 == g.count;
      const std::size_t most = first ? 5 : last ? (g.count == 3 ? 7 : 5) : 5;
      const std::size_t least = first ? 1 : 2;
      if (g.size[i] < least || g.size[i] > most) {
        return PhoneShape::kAmbiguous;
      }
    }
    return PhoneShape::kGrouped;
  }
  if (g.count == 2 && digits[0] == '0' && g.size[0] >= 2 && g.size[0] <= 5 && g.size[1] >= 4 &&
      g.size[1] <= 8 && (seps == kSpace || seps == kDash)) {
    return PhoneShape::kTrunkPair;
  }
  return PhoneShape::kAmbiguous;
}

}  // namespace aisafe::detectors::pii
