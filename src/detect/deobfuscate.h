// A de-obfuscated view of a text for the attack rules: undoes letter spacing ("i g n o r e"),
// punctuation inside words ("ig-no-re", "ignore.previous.instructions", "ignore_all_previous")
// and leetspeak digits ("1gn0r3 4ll pr3v10u5"), keeping a map from every byte of the view back
// to the original. Built only when surveyText() saw such features: most texts never pay for it.
// The view is a guess meant for prompt_injection/jailbreak rules; the pipeline keeps nothing else
// found in it. Pure; thread-safe; never throws. Limits: docs/encoded-attacks.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aisafe::detect {

struct DeobfuscatedView {
  std::string text;                   // valid UTF-8 when the input was (only ASCII changes)
  std::vector<std::uint32_t> origin;  // per byte of text: the original byte it came from
  std::vector<std::uint8_t> leet;     // per byte of text: 1 where a digit was read as a letter

  // The original bytes behind view bytes [start, end). Requires start < end <= text.size().
  std::pair<std::size_t, std::size_t> toOriginal(std::size_t start, std::size_t end) const {
    return {origin[start], origin[end - 1] + 1};
  }
  // True when view bytes [start, end) hold a leetspeak substitution.
  bool hasLeet(std::size_t start, std::size_t end) const;

  // View bytes [start, end) of every chunk strongly changed (joined letters, two separators or two
  // leetspeak digits undone), in order.
  std::vector<std::pair<std::size_t, std::size_t>> changed;
  // The parts of the view worth scanning: each changed chunk with `context` bytes on either side,
  // overlapping parts merged, cut on UTF-8 boundaries. A rule match that touches no changed
  // chunk was already there to be found in the text as sent.
  std::vector<std::pair<std::size_t, std::size_t>> windows(std::size_t context) const;
};

// Bytes of the view scanned on each side of a changed chunk: an attack phrase reaches this far
// from its disguised word ("i g n o r e" ... "instructions").
constexpr std::size_t kViewContext = 256;

// Rules of the view, each a named guess:
// - inside a whitespace-separated chunk holding a letter, the digits and signs leetspeak uses
//   for letters become those letters (0 o, 1 i, 3 e, 4 a, 5 s, 7 t, @ a, $ s);
// - punctuation (- _ . *) between two letters of a chunk is dropped when the pieces are
//   syllable-sized (at most kMaxSyllableLetters letters on average: "ig-no-re"), and becomes a
//   space otherwise ("ignore.previous.instructions");
// - at least kMinSpacedRun one-character chunks separated by single spaces are joined
//   ("i g n o r e  a l l": a double space stays a word break);
// - a run of white space longer than kMaxWhitespaceRun becomes one space (attack rules bound
//   their gaps; padding must not carry a phrase past them);
// - URLs, paths and email addresses (a '/', or an '@' before a '.') are copied unchanged.
constexpr std::size_t kMaxSyllableLetters = 4;
constexpr std::size_t kMinSpacedRun = 3;

// Fills `out` with the view of `text` (<= 4 GiB); returns false when the view equals the text.
bool deobfuscate(std::string_view text, DeobfuscatedView& out);

}  // namespace aisafe::detect
