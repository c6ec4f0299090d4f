// Phone and card numbers in a text, with a confidence each: the pre-filter (number_spans.h)
// finds digit runs, cards are checked by issuer range, length and Luhn (card_number.h), phones
// by how they are written (phone_shape.h), context words raise or lower both
// (number_context.h), and libphonenumber (phone_library.h) is asked only about numbers that
// neither the writing nor the words decide ("Tom 4155550132"), within a budget per text.
// Scores follow Presidio's recognizers: a base confidence per pattern, +kContextBoost for a
// context word; what stays below kReportScore is not reported.
// Thread-safe (per-thread buffers).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "detectors/pii/phone_library.h"

namespace aisafe::detectors::pii {

// Below this a number is not reported: the default policy's min_score, and the point under
// which a shape alone is a guess (a bare 9-digit run without a phone word or a valid number).
constexpr double kReportScore = 0.5;
// What a context word adds (Presidio's context similarity factor).
constexpr double kContextBoost = 0.35;
// What an order word, a currency or a unit takes away: enough to drop anything but a number
// written unmistakably as a card or phone ("order 4111 1111 1111 1111" is still a card).
constexpr double kOtherNumberPenalty = 0.4;
// A number libphonenumber finds valid for a configured region, without other evidence. Just
// over the line: with many regions configured most digit strings are valid somewhere
// (phone_library.h), so what keeps "the remainder is 31916031" out is its context; a policy
// that wants only numbers with a phone word or a phone's writing sets min_score above this.
constexpr double kValidNumberScore = 0.6;
constexpr double kMaxScore = 0.95;
// What libphonenumber may cost per text, in PhoneLibrary's units (a validity check ~5 µs is 1,
// a matcher call ~25 µs is 5): a text full of ambiguous numbers (a table, a log) costs at most
// about 0.6 ms; numbers past it are judged by their writing and context alone.
constexpr int kLibraryBudgetPerText = 120;

enum class NumberKind { kPhone, kCard };

struct NumberFinding {
  NumberKind kind = NumberKind::kPhone;
  std::size_t begin = 0;  // bytes of the text scanned
  std::size_t end = 0;
  double score = 0.0;
  std::string_view rule_id;  // "pii.phone.grouped", "pii.credit_card.visa", ...
  std::string message;
};

// Appends to `out` (cleared first) the phone and card numbers of `text` (normalized text)
// scored at least kReportScore, in text order. `library` may be null (writing and context only).
void findNumbers(std::string_view text, const PhoneLibrary* library,
                 std::vector<NumberFinding>& out);

}  // namespace aisafe::detectors::pii
