#include "detectors/pii/card_number.h"

#include <array>

namespace aisafe::detectors::pii {
namespace {

constexpr std::uint32_t len(std::initializer_list<int> ns) {
  std::uint32_t bits = 0;
  for (int n : ns) {
    bits |= 1U << n;
  }
  return bits;
}
constexpr std::uint32_t kLen12To19 = len({12, 13, 14, 15, 16, 17, 18, 19});
constexpr std::uint32_t kLen14To19 = len({14, 15, 16, 17, 18, 19});
constexpr std::uint32_t kLen16To19 = len({16, 17, 18, 19});

// Issuer ranges as six-digit prefixes, narrow ranges before the broad ones they sit in (a
// Maestro 6759 before UnionPay-like 6x). From the schemes' published IIN tables (Visa,
// Mastercard, Amex, Discover Global Network incl. Diners and co-branded UnionPay, JCB,
// UnionPay, Maestro, Mir, RuPay, Verve, Dankort, BORICA, InterPayment, InstaPayment).
constexpr std::array<CardIssuer, 34> kIssuers = {{
    {"Maestro", "pii.credit_card.maestro", 501800, 501899, kLen12To19},
    {"Dankort", "pii.credit_card.dankort", 501900, 501999, len({16})},
    {"Maestro", "pii.credit_card.maestro", 502000, 502099, kLen12To19},
    {"Maestro", "pii.credit_card.maestro", 503800, 503899, kLen12To19},
    {"Verve", "pii.credit_card.verve", 506099, 506198, len({16, 18, 19})},
    {"Verve", "pii.credit_card.verve", 507865, 507964, len({16, 18, 19})},
    {"Maestro", "pii.credit_card.maestro", 589300, 589399, kLen12To19},
    // 6304: also the former Laser cards of Ireland; 6759: Maestro UK.
    {"Maestro", "pii.credit_card.maestro", 630400, 630499, kLen12To19},
    {"Maestro", "pii.credit_card.maestro", 675900, 675999, kLen12To19},
    {"Maestro", "pii.credit_card.maestro", 676100, 676399, kLen12To19},
    {"Maestro", "pii.credit_card.maestro", 676770, 676770, kLen12To19},
    {"Maestro", "pii.credit_card.maestro", 676774, 676774, kLen12To19},
    {"Verve", "pii.credit_card.verve", 650002, 650027, len({16, 18, 19})},
    {"Discover", "pii.credit_card.discover", 601100, 601199, kLen16To19},
    {"Discover", "pii.credit_card.discover", 622126, 622925, kLen16To19},  // with UnionPay
    {"Discover", "pii.credit_card.discover", 644000, 659999, kLen16To19},
    {"UnionPay", "pii.credit_card.unionpay", 620000, 629999, kLen16To19},
    {"UnionPay", "pii.credit_card.unionpay", 810000, 817199, kLen16To19},
    {"RuPay", "pii.credit_card.rupay", 600000, 609999, len({16})},
    {"RuPay", "pii.credit_card.rupay", 508000, 508999, len({16})},
    {"InterPayment", "pii.credit_card.interpayment", 636000, 636999, kLen16To19},
    {"InstaPayment", "pii.credit_card.instapayment", 637000, 639999, len({16})},
    {"Mir", "pii.credit_card.mir", 220000, 220499, kLen16To19},
    {"BORICA", "pii.credit_card.borica", 220500, 220599, len({16})},
    {"Mastercard", "pii.credit_card.mastercard", 222100, 272099, len({16})},
    {"Mastercard", "pii.credit_card.mastercard", 510000, 559999, len({16})},
    {"Visa", "pii.credit_card.visa", 400000, 499999, len({13, 16, 19})},
    {"American Express", "pii.credit_card.amex", 340000, 349999, len({15})},
    {"American Express", "pii.credit_card.amex", 370000, 379999, len({15})},
    {"Diners Club", "pii.credit_card.diners", 300000, 305999, kLen14To19},
    {"Diners Club", "pii.credit_card.diners", 309500, 309599, kLen14To19},
    {"Diners Club", "pii.credit_card.diners", 360000, 369999, kLen14To19},
    {"Diners Club", "pii.credit_card.diners", 380000, 399999, kLen14To19},
    {"JCB", "pii.credit_card.jcb", 352800, 358999, kLen16To19},
}};

// The ways card numbers are printed and typed: one run, fours with a shorter last group, or
// Amex's 4-6-5 and Diners' 4-6-4; one separator (a space or a dash) throughout.
bool cardGrouping(const NumberSpan& span, std::size_t first, std::size_t last) {
  if (first == last) {
    return true;
  }
  const std::uint8_t gap = span.groups[first + 1].gap;
  if (gap != kSpace && gap != kDash) {
    return false;
  }
  const auto size = [&](std::size_t g) { return span.groups[g].end - span.groups[g].begin; };
  for (std::size_t g = first + 1; g <= last; ++g) {
    if (span.groups[g].gap != gap) {
      return false;
    }
  }
  if (last - first == 2 && size(first) == 4 && size(first + 1) == 6 &&
      (size(last) == 5 || size(last) == 4)) {
    return true;
  }
  for (std::size_t g = first; g < last; ++g) {
    if (size(g) != 4) {
      return false;
    }
  }
  return size(last) >= 1 && size(last) <= 4;
}

}  // namespace

const CardIssuer* findIssuer(std::string_view digits) {
  if (digits.size() < 12 || digits.size() > 19) {
    return nullptr;
  }
  std::uint32_t prefix = 0;
  for (std::size_t i = 0; i < 6; ++i) {
    prefix = prefix * 10 + static_cast<std::uint32_t>(digits[i] - '0');
  }
  for (const CardIssuer& issuer : kIssuers) {
    if (prefix >= issuer.low && prefix <= issuer.high &&
        (issuer.lengths & (1U << digits.size())) != 0) {
      return &issuer;
    }
  }
  return nullptr;
}

bool luhnValid(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int v = *it - '0';
    if (twice) {
      v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    }
    sum += v;
    twice = !twice;
  }
  return !digits.empty() && sum % 10 == 0;
}

std::optional<CardMatch> findCard(std::string_view text, const NumberSpan& span) {
  std::optional<CardMatch> best;
  std::string digits;
  for (std::size_t first = 0; first < span.count; ++first) {
    // A card is a token of its own: after a space inside a span ("0612 4111 1111 1111 1111"),
    // else where the span starts a token.
    const std::size_t begin = span.groups[first].begin;
    if (first > 0 ? span.groups[first].gap != kSpace : !startsToken(text, begin)) {
      continue;
    }
    digits.clear();
    for (std::size_t last = first; last < span.count; ++last) {
      const DigitGroup& g = span.groups[last];
      digits.append(text.substr(g.begin, g.end - g.begin));
      if (digits.size() > 19) {
        break;
      }
      if (digits.size() < 12 || (best && best->digits >= digits.size())) {
        continue;
      }
      const bool token_end =
          last + 1 < span.count ? span.groups[last + 1].gap == kSpace : endsToken(text, g.end);
      if (!token_end) {
        continue;
      }
      const CardIssuer* issuer = findIssuer(digits);
      if (issuer == nullptr || !cardGrouping(span, first, last) || !luhnValid(digits)) {
        continue;
      }
      best = CardMatch{issuer, begin, g.end, digits.size(), first != last};
    }
  }
  return best;
}

}  // namespace aisafe::detectors::pii
