// The words around a number that say what it is, as Presidio's context enhancer reads them: a
// phone word ("call", "tel", "Telefon", "téléphone", "móvil", ...) or a card word ("card",
// "visa", "Karte", "tarjeta", "carte", ...) near a short or plain number makes it likelier to
// be one; an order, invoice or ticket word right before it, a currency sign or a unit right
// after it ("#1234567", "$1500000", "2500000 users") says it is something else.
// Words are compared in ASCII lower case (accented letters as written); the lists are in
// number_context.cc. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <utility>

namespace aisafe::detectors::pii {

// How far context is read: phone labels sit just before a number ("Phone: ...", "You can call
// ...", "They're not answering at ..."), or just after it in lists ("... office", "... fax").
constexpr std::size_t kContextWordsBefore = 4;
constexpr std::size_t kContextWordsAfter = 2;
constexpr std::size_t kContextBytes = 48;  // never further than this from the number
// Only the nearest words name another kind of number ("order no. 1234567"): further back,
// "order" is as likely to start a sentence that then gives a phone number.
constexpr std::size_t kNegativeWordsBefore = 2;

struct NumberContext {
  bool phone = false;    // a phone word before or after
  bool card = false;     // a card word before or after
  bool not_pii = false;  // an order/invoice/quantity word right before, a currency or unit
                         // around it: an amount, a count or an identifier. Also, unless a
                         // phone or card word says otherwise, code around it: '#' or '[' before,
                         // "max-age=63072000", "\"91480041\"", "=279", a minus sign.
};

// The context of the number at bytes [begin, end) of `text` (normalized text, valid UTF-8).
NumberContext readContext(std::string_view text, std::size_t begin, std::size_t end);

// Other numbers within kContextBytes of [begin, end): one of three digits or more, or two of
// any length ("0 0 0 21 21 0 123 456 789"). A bare run among them is data (a table, a CSV row,
// a calculation). Bytes in `known` (numbers already found to be phones or cards) do not count:
// a contact list is not a table.
bool amongNumbers(std::string_view text, std::size_t begin, std::size_t end,
                  std::span<const std::pair<std::size_t, std::size_t>> known);

// True when `text` at `pos` holds '-' and a phone word ("555-0132-office", a label glued on).
bool phoneLabelAt(std::string_view text, std::size_t pos);

}  // namespace aisafe::detectors::pii
