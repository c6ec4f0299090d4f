#include "detectors/pii/number_finder.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "detectors/pii/card_number.h"
#include "detectors/pii/number_context.h"
#include "detectors/pii/number_spans.h"
#include "detectors/pii/phone_shape.h"

namespace aisafe::detectors::pii {
namespace {

double clampScore(double s) { return std::min(s, kMaxScore); }

// A card run of one piece in a length many other numbers have (12, 13, 17-19 digits) needs a
// card word; written in fours, or in the 14-16 digits of most cards, it stands on its own.
double cardScore(const CardMatch& card) {
  if (card.grouped || card.digits == 15 || card.digits == 16) {
    return 0.9;
  }
  return card.digits == 14 ? 0.85 : 0.4;
}

struct PhoneRule {
  std::string_view id;
  std::string_view message;
};

PhoneRule phoneRule(PhoneShape shape) {
  switch (shape) {
    case PhoneShape::kInternational:
      return {"pii.phone.international",
              "A phone number with its country code (+ or 00), written as phone numbers are."};
    case PhoneShape::kAreaInParens:
      return {"pii.phone.area_code", "A phone number with its area code in parentheses."};
    case PhoneShape::kGrouped:
      return {"pii.phone.grouped", "A phone number written in groups of digits."};
    case PhoneShape::kTrunkPair:
      return {"pii.phone.national",
              "A national phone number: trunk prefix 0, area code and subscriber number."};
    case PhoneShape::kAmbiguous:
    case PhoneShape::kNeedsPhoneWord:
    case PhoneShape::kNone:
      break;
  }
  return {"pii.phone.context", "A number next to a phone word (call, tel, fax, mobile, ...)."};
}

// The card in `span`, reported when its score allows; its bytes either way (a card number that
// is not reported is still not a phone number).
std::optional<std::pair<std::size_t, std::size_t>> addCard(std::string_view text,
                                                           const NumberSpan& span,
                                                           std::vector<NumberFinding>& out) {
  const auto card = findCard(text, span);
  if (!card) {
    return std::nullopt;
  }
  const NumberContext ctx = readContext(text, card->begin, card->end);
  const double score = cardScore(*card) + (ctx.card ? kContextBoost : 0.0) -
                       (ctx.not_pii ? kOtherNumberPenalty : 0.0);
  if (score >= kReportScore) {
    out.push_back({NumberKind::kCard, card->begin, card->end, clampScore(score),
                   card->issuer->rule_id,
                   "A payment card number (" + std::string(card->issuer->name) + ", " +
                       std::to_string(card->digits) + " digits) that passes the Luhn check."});
  }
  return std::pair{card->begin, card->end};
}

// A phone number that neither its writing nor the words around it decide: libphonenumber is
// asked once the whole text has been read (second pass).
struct Undecided {
  NumberSpan span;
  bool phone_word = false;
};

// Reports the phone number `span` holds when its writing and context decide it; queues it in
// `undecided` when only libphonenumber can.
void addPhone(std::string_view text, const NumberSpan& span, PhoneShape shape,
              std::vector<NumberFinding>& out, std::vector<Undecided>& undecided) {
  if (shape == PhoneShape::kNone) {
    return;
  }
  const NumberContext ctx = readContext(text, span.begin, span.ext_end);
  const double score = shapeScore(shape) + (ctx.phone ? kContextBoost : 0.0) -
                       (ctx.not_pii ? kOtherNumberPenalty : 0.0);
  if (score >= kReportScore) {
    const PhoneRule rule = phoneRule(shape);
    out.push_back({NumberKind::kPhone, span.begin, span.ext_end, clampScore(score), rule.id,
                   std::string(rule.message)});
  } else if (shape == PhoneShape::kAmbiguous && !ctx.not_pii) {
    undecided.push_back({span, ctx.phone});
  }
}

// True when a letter lies between [a_begin, a_end) and [b_begin, b_end) (in either order).
bool wordsBetween(std::string_view text, std::size_t a_begin, std::size_t a_end,
                  std::size_t b_begin, std::size_t b_end) {
  const std::size_t from = a_end <= b_begin ? a_end : b_end;
  const std::size_t to = a_end <= b_begin ? b_begin : a_begin;
  for (std::size_t i = from; i < to && i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80) {
      return true;
    }
  }
  return false;
}

// The second pass: each undecided number not among other numbers goes to libphonenumber, in
// text order, within the budget. Numbers found in the first pass, and undecided ones with words
// between them and this one, do not count as "other numbers": a contact list ("Lisa: 612 345
// 678, Tom 4155550132") is not a table of data ("31916031  21629792  16929656").
void askLibrary(std::string_view text, const PhoneLibrary& library,
                const std::vector<Undecided>& undecided, std::vector<NumberFinding>& out) {
  // Both lists are in text order; only neighbours within kContextBytes matter.
  const std::size_t first_pass = out.size();
  std::vector<std::pair<std::size_t, std::size_t>> known;
  int budget = kLibraryBudgetPerText;
  std::size_t found_from = 0;  // first finding of the first pass that may be in the window
  for (std::size_t k = 0; k < undecided.size() && budget > 0; ++k) {
    const NumberSpan& span = undecided[k].span;
    const std::size_t lo = span.begin > kContextBytes ? span.begin - kContextBytes : 0;
    const std::size_t hi = span.ext_end + kContextBytes;
    // The common case of a table, first and cheaply: the nearest undecided number is close and
    // nothing but separators lies between.
    const auto same_row = [&](const NumberSpan& other) {
      return !wordsBetween(text, other.begin, other.ext_end, span.begin, span.ext_end);
    };
    if ((k > 0 && undecided[k - 1].span.ext_end > lo && same_row(undecided[k - 1].span)) ||
        (k + 1 < undecided.size() && undecided[k + 1].span.begin < hi &&
         same_row(undecided[k + 1].span))) {
      continue;
    }
    known.clear();
    while (found_from < first_pass && out[found_from].end <= lo) {
      ++found_from;
    }
    for (std::size_t i = found_from; i < first_pass && out[i].begin < hi; ++i) {
      known.emplace_back(out[i].begin, out[i].end);
    }
    const auto neighbour = [&](const NumberSpan& other) {
      if (wordsBetween(text, other.begin, other.ext_end, span.begin, span.ext_end)) {
        known.emplace_back(other.begin, other.ext_end);
      }
    };
    for (std::size_t j = k; j > 0 && undecided[j - 1].span.ext_end > lo; --j) {
      neighbour(undecided[j - 1].span);
    }
    for (std::size_t j = k + 1; j < undecided.size() && undecided[j].span.begin < hi; ++j) {
      neighbour(undecided[j].span);
    }
    if (amongNumbers(text, span.begin, span.ext_end, known)) {
      continue;
    }
    const std::string_view number = text.substr(span.begin, span.end - span.begin);
    const auto valid = library.findValid(number, budget);
    if (!valid) {
      continue;
    }
    NumberFinding f{NumberKind::kPhone,
                    span.begin + valid->begin,
                    valid->end == number.size() ? span.ext_end : span.begin + valid->end,
                    clampScore(kValidNumberScore + (undecided[k].phone_word ? kContextBoost : 0.0)),
                    "pii.phone.valid",
                    "A valid phone number of region " + valid->region + " (libphonenumber)."};
    out.push_back(std::move(f));
  }
}

}  // namespace

void findNumbers(std::string_view text, const PhoneLibrary* library,
                 std::vector<NumberFinding>& out) {
  out.clear();
  thread_local std::vector<NumberSpan> spans;
  thread_local std::vector<Undecided> undecided;
  findNumberSpans(text, spans);
  undecided.clear();
  for (const NumberSpan& span : spans) {
    // "DE89 3704 0044 ...", "v1.2.3456789", "AB-1234567": the digits belong to a longer token.
    if (!startsToken(text, span.begin)) {
      continue;
    }
    const auto card = addCard(text, span, out);
    const PhoneShape shape = card ? PhoneShape::kNone : phoneShape(text, span);
    if (shape != PhoneShape::kNone) {
      addPhone(text, span, shape, out, undecided);
      continue;
    }
    // Two numbers side by side ("678-777-1600 2813882583", a phone and a card) are judged one
    // token at a time.
    for (const NumberSpan& part : tokens(span)) {
      if (!card || part.end <= card->first || part.begin >= card->second) {
        addPhone(text, part, phoneShape(text, part), out, undecided);
      }
    }
  }
  const auto by_start = [](const NumberFinding& a, const NumberFinding& b) {
    return a.begin < b.begin;
  };
  std::sort(out.begin(), out.end(), by_start);
  if (library != nullptr && !undecided.empty()) {
    askLibrary(text, *library, undecided, out);
    std::sort(out.begin(), out.end(), by_start);
  }
}

}  // namespace aisafe::detectors::pii
