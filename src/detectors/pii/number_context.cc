#include "detectors/pii/number_context.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace aisafe::detectors::pii {
namespace {

struct Word {
  std::string_view text;
  bool prefix;  // also matches words that start with it ("telefon" in "Telefonnummer")
};

// Phone words in the languages the injection rules cover and a few more. Prefixes where a
// word has many forms; bare "number"/"Nummer"/"numéro" are left out: they front order and
// account numbers as often as phone numbers.
constexpr Word kPhoneWords[] = {
    {"phon", true},
    {"telephon", true},
    {"telefon", true},
    {"tel\xC3\xA9"
     "fon",
     true},
    {"t\xC3\xA9l\xC3\xA9phon", true},
    {"telefoon", true},
    {"tel", false},
    {"t\xC3\xA9l", false},
    {"tlf", false},
    {"tfn", false},
    {"ph", false},
    {"mobil", true},
    {"mobiel", false},
    {"m\xC3\xB3vil", false},
    {"movil", false},
    {"cell", true},
    {"celular", false},
    {"cel", false},
    {"handy", false},
    {"gsm", false},
    {"portable", false},
    {"fax", true},
    {"telefax", false},
    {"whatsapp", false},
    {"sms", false},
    {"hotline", false},
    {"landline", false},
    {"call", true},
    {"llam", true},
    {"ll\xC3\xA1"
     "m",
     true},
    {"chiam", true},
    {"appel", true},
    {"anruf", true},
    {"rufnummer", false},
    {"ruf", false},
    {"ligue", false},
    {"ligar", false},
    {"fone", false},
    {"bel", false},
    {"ring", false},
    {"dial", false},
    {"dialed", false},
    {"reach", false},
    {"contact", false},
    {"office", false},
    {"answering", false},
};

constexpr Word kCardWords[] = {
    {"card", true},           {"cc", false},           {"credit", true},    {"debit", true},
    {"visa", false},          {"mastercard", false},   {"amex", false},     {"maestro", false},
    {"diners", false},        {"jcb", false},          {"unionpay", false}, {"discover", false},
    {"cvv", false},           {"cvc", false},          {"expiry", false},   {"karte", true},
    {"kreditkart", true},     {"kartennummer", false}, {"tarjeta", true},   {"carte", true},
    {"cart\xC3\xA3o", false}, {"cartao", false},       {"carta", false},    {"kaart", true},
    {"creditcard", true},     {"kort", true},          {"mir", false},
};

// Words that name another kind of number when they come right before it.
constexpr Word kOtherNumberWords[] = {
    {"order", true},
    {"invoice", true},
    {"inv", false},
    {"ref", false},
    {"reference", false},
    {"id", false},
    {"ids", false},
    {"tracking", false},
    {"ticket", false},
    {"case", false},
    {"account", true},
    {"acct", false},
    {"transaction", true},
    {"txn", false},
    {"confirmation", false},
    {"booking", false},
    {"reservation", false},
    {"serial", false},
    {"sku", false},
    {"isbn", false},
    {"ean", false},
    {"upc", false},
    {"version", false},
    {"build", false},
    {"release", false},
    {"item", false},
    {"product", false},
    {"model", false},
    {"part", false},
    {"patent", false},
    {"po", false},
    {"zip", false},
    {"postcode", false},
    {"plz", false},
    {"page", false},
    {"row", false},
    {"port", false},
    {"pid", false},
    {"bestell", true},
    {"rechnung", true},
    {"kundennummer", false},
    {"commande", false},
    {"facture", false},
    {"pedido", false},
    {"factura", false},
    {"ordine", false},
    {"fattura", false},
    {"policy", false},
    {"claim", false},
    {"population", false},
    {"total", true},
    {"price", false},
    {"cost", true},
    {"amount", false},
    {"balance", false},
    {"salary", false},
    {"revenue", false},
    {"issue", false},
    {"pr", false},
    // quantities labelled in data and prose ("nsecs: 808731556", "the remainder of 31916031")
    {"seq", false},
    {"sec", true},
    {"nsec", true},
    {"timestamp", false},
    {"stamp", false},
    {"epoch", false},
    {"size", false},
    {"length", false},
    {"len", false},
    {"count", false},
    {"width", false},
    {"height", false},
    {"offset", false},
    {"value", false},
    {"result", false},
    {"remainder", false},
    {"sum", false},
    {"score", false},
    {"seed", false},
    {"hash", false},
    {"checksum", false},
    {"nonce", false},
    {"uid", false},
    {"gid", false},
};

// Units and currencies right after a number: it counts or costs something.
constexpr Word kUnitWords[] = {
    {"usd", false},  {"eur", false},    {"gbp", false},    {"chf", false}, {"jpy", false},
    {"inr", false},  {"dollar", true},  {"euro", true},    {"yen", false}, {"pound", true},
    {"rupee", true}, {"kr", false},     {"sek", false},    {"nok", false}, {"dkk", false},
    {"kg", false},   {"km", false},     {"mm", false},     {"cm", false},  {"mi", false},
    {"mile", true},  {"meter", true},   {"metre", true},   {"mb", false},  {"gb", false},
    {"kb", false},   {"tb", false},     {"byte", true},    {"ms", false},  {"ns", false},
    {"user", true},  {"people", false}, {"visitor", true}, {"view", true}, {"download", true},
    {"time", true},  {"row", true},     {"record", true},  {"item", true}, {"token", true},
    {"word", true},  {"step", true},    {"year", true},    {"day", true},  {"hour", true},
    {"point", true}, {"vote", true},    {"unit", true},
};

bool isWordByte(unsigned char c) { return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80; }

// What a listed word says (bit flags): the lists above, indexed by first byte once, so a word is
// compared with the few entries that start like it (every number reads up to six words).
enum Kind : std::uint8_t { kPhone = 1, kCard = 2, kOtherNumber = 4, kUnit = 8 };

struct Entry {
  std::string_view text;
  bool prefix;
  std::uint8_t kind;
};

using WordIndex = std::array<std::vector<Entry>, 256>;

template <std::size_t N>
void index(WordIndex& idx, const Word (&words)[N], std::uint8_t kind) {
  for (const Word& w : words) {
    idx[static_cast<unsigned char>(w.text[0])].push_back({w.text, w.prefix, kind});
  }
}

const WordIndex& wordIndex() {
  static const WordIndex kIndex = [] {
    WordIndex idx;
    index(idx, kPhoneWords, kPhone);
    index(idx, kCardWords, kCard);
    index(idx, kOtherNumberWords, kOtherNumber);
    index(idx, kUnitWords, kUnit);
    return idx;
  }();
  return kIndex;
}

// The kinds of a lower-cased word.
std::uint8_t kindsOf(std::string_view w) {
  std::uint8_t kinds = 0;
  if (w.empty()) {
    return kinds;
  }
  for (const Entry& e : wordIndex()[static_cast<unsigned char>(w[0])]) {
    if (e.prefix ? w.substr(0, e.text.size()) == e.text : w == e.text) {
      kinds |= e.kind;
    }
  }
  return kinds;
}

// Lower-cased (ASCII letters only) copy of a word; empty when too long to be a listed word.
std::string_view lowered(std::string_view word, std::array<char, 32>& buffer) {
  if (word.size() > buffer.size()) {
    return {};
  }
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    buffer[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c;
  }
  return {buffer.data(), word.size()};
}

// A currency sign right before `begin` (one space allowed between): "$1500000", "€ 2500000".
bool currencyBefore(std::string_view text, std::size_t begin) {
  std::size_t i = begin;
  if (i > 0 && text[i - 1] == ' ') {
    --i;
  }
  const std::string_view before = text.substr(0, i);
  for (std::string_view sign : {"$", "\xE2\x82\xAC", "\xC2\xA3", "\xC2\xA5", "\xE2\x82\xB9"}) {
    if (before.size() >= sign.size() && before.substr(before.size() - sign.size()) == sign) {
      return true;
    }
  }
  return false;
}

bool signAfter(std::string_view text, std::size_t end) {
  std::size_t i = end;
  if (i < text.size() && text[i] == ' ') {
    ++i;
  }
  const std::string_view after = text.substr(i);
  for (std::string_view sign :
       {"%", "$", "\xE2\x82\xAC", "\xC2\xA3", "\xC2\xA5", "\xE2\x82\xB9", "\xE2\x80\xB0"}) {
    if (after.substr(0, sign.size()) == sign) {
      return true;
    }
  }
  return false;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// The number sits in code rather than prose: '#', '№' or '[' before it, "key=" before or "="
// after it, quotes or backticks on both sides, a minus sign before it.
bool inCode(std::string_view text, std::size_t begin, std::size_t end) {
  const auto before = [&](std::size_t k) { return begin >= k ? text[begin - k] : '\0'; };
  const auto after = [&](std::size_t k) {
    return end + k - 1 < text.size() ? text[end + k - 1] : '\0';
  };
  const char b1 = before(1);
  const char b2 = before(2);
  if (b1 == '#' || b1 == '[' || (b1 == ' ' && b2 == '#') ||
      text.substr(0, begin).ends_with("\xE2\x84\x96")) {
    return true;
  }
  if (b1 == '=' || (b1 == ' ' && b2 == '=') || after(1) == '=' ||
      (after(1) == ' ' && after(2) == '=')) {
    return true;
  }
  if ((b1 == '"' || b1 == '\'' || b1 == '`') && after(1) == b1) {
    return true;
  }
  // "-20 499390", "(-5)": a sign, not a dash inside a number (those are part of the span).
  return b1 == '-' && (b2 == ' ' || b2 == '(' || b2 == '\0' || b2 == '\n' || b2 == '\t');
}

}  // namespace

NumberContext readContext(std::string_view text, std::size_t begin, std::size_t end) {
  NumberContext ctx;
  std::array<char, 32> buffer{};
  const auto look = [&](std::string_view word, bool before, std::size_t nth) {
    const std::uint8_t kinds = kindsOf(lowered(word, buffer));
    ctx.phone = ctx.phone || (kinds & kPhone) != 0;
    ctx.card = ctx.card || (kinds & kCard) != 0;
    if (before ? nth < kNegativeWordsBefore && (kinds & kOtherNumber) != 0
               : nth == 0 && (kinds & kUnit) != 0) {
      ctx.not_pii = true;
    }
  };
  // Before: back from `begin`, over anything that is not a letter (digits, punctuation).
  const std::size_t stop = begin > kContextBytes ? begin - kContextBytes : 0;
  std::size_t i = begin;
  for (std::size_t nth = 0; nth < kContextWordsBefore; ++nth) {
    while (i > stop && !isWordByte(static_cast<unsigned char>(text[i - 1]))) {
      --i;
    }
    if (i == stop) {
      break;
    }
    const std::size_t word_end = i;
    while (i > 0 && isWordByte(static_cast<unsigned char>(text[i - 1]))) {
      --i;
    }
    look(text.substr(i, word_end - i), true, nth);
  }
  // After: forward from `end`.
  const std::size_t limit = std::min(text.size(), end + kContextBytes);
  std::size_t j = end;
  for (std::size_t nth = 0; nth < kContextWordsAfter; ++nth) {
    while (j < limit && !isWordByte(static_cast<unsigned char>(text[j]))) {
      ++j;
    }
    if (j >= limit) {
      break;
    }
    const std::size_t word_begin = j;
    while (j < text.size() && isWordByte(static_cast<unsigned char>(text[j]))) {
      ++j;
    }
    look(text.substr(word_begin, j - word_begin), false, nth);
  }
  const bool word = ctx.phone || ctx.card;
  ctx.not_pii = ctx.not_pii || currencyBefore(text, begin) || signAfter(text, end) ||
                (!word && inCode(text, begin, end));
  return ctx;
}

bool amongNumbers(std::string_view text, std::size_t begin, std::size_t end,
                  std::span<const std::pair<std::size_t, std::size_t>> known) {
  const auto is_known = [&](std::size_t i) {
    for (const auto& [b, e] : known) {
      if (i >= b && i < e) {
        return true;
      }
    }
    return false;
  };
  std::size_t numbers = 0;
  const auto count = [&](std::size_t from, std::size_t to) {
    std::size_t run = 0;
    for (std::size_t i = from; i <= to && numbers < 2; ++i) {
      if (i < to && isDigit(text[i]) && !is_known(i)) {
        ++run;
        continue;
      }
      numbers += run >= 3 ? 2 : run > 0 ? 1 : 0;
      run = 0;
    }
  };
  count(begin > kContextBytes ? begin - kContextBytes : 0, begin);
  count(end, std::min(text.size(), end + kContextBytes));
  return numbers >= 2;
}

bool phoneLabelAt(std::string_view text, std::size_t pos) {
  if (pos >= text.size() || text[pos] != '-') {
    return false;
  }
  std::size_t j = pos + 1;
  while (j < text.size() && isWordByte(static_cast<unsigned char>(text[j]))) {
    ++j;
  }
  std::array<char, 32> buffer{};
  return (kindsOf(lowered(text.substr(pos + 1, j - pos - 1), buffer)) & kPhone) != 0;
}

}  // namespace aisafe::detectors::pii
