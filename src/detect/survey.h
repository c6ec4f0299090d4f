// One cheap pass over a text that says whether it might hide an attack: encoded segments
// (base64, hex, %XX), ROT13 or reversed words, and spacing/punctuation/leetspeak tricks.
// The pipeline runs it on every text, so it allocates nothing and looks at each byte once; a
// plain English prompt comes back with every flag false and costs nothing more. It only says
// "maybe": decoders.h and deobfuscate.h do the real work and reject what is not worth scanning.
// Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "detect/rule_set.h"

namespace aisafe::detect {

struct Survey {
  bool encoded = false;     // a base64/hex-looking run, hex bytes or URL escapes: try the decoders
  bool rot13 = false;       // ROT13'd English words, or a hint such as "rot13" or "caesar"
  bool reversed = false;    // reversed English words, or a hint such as "backwards"
  bool obfuscated = false;  // s p a c e d letters, ig-no-re, ignore.previous, 1gn0r3, or a
                            // white-space run longer than the rules' gaps (kMaxWhitespaceRun)
  bool any() const { return encoded || rot13 || reversed || obfuscated; }
};

// Thresholds of the survey; each trades a rare extra scan of benign text against a miss.
// Runs shorter than this are not base64/hex candidates (16 base64 characters are 12 bytes).
constexpr std::size_t kMinEncodedRun = 16;
// URL escapes (%XX) in one text before URL decoding is tried: one "%20" is ordinary.
constexpr std::size_t kMinUrlEscapes = 2;
// Hex written byte by byte ("\x69\x67...", "69 67 6e ..."): this many bytes in a row.
constexpr std::size_t kMinHexPairs = 8;
// ROT13/reversed function words ("gur", "lbh"; "eht", "uoy") before the text is decoded.
constexpr std::size_t kMinMarkerWords = 2;
// Consecutive single letters separated by one space ("i g n o r e") that mark spacing.
constexpr std::size_t kMinSpacedLetters = 4;
// Words mixing letters with 2+ leet digits ("pr3v10u5") that mark leetspeak.
constexpr std::size_t kMinLeetWords = 2;

// The survey's marker words (survey_markers.h) as vectorscan patterns, so that a text the
// pipeline scans anyway has them counted by its combined scan instead of looked up word by
// word. Pattern i reports markers of kind i (MarkerCounts::add); each match is one word, a word
// being as the survey reads it: a run of ASCII letters, any case. In ASCII text only: beyond
// it, caseless matching reads U+017F as s, which the survey does not (the pipeline counts
// markers only where normalizing left a text as it was, which is ASCII).
std::vector<PatternRule> markerRules();

// What the combined scan met of the markers.
struct MarkerCounts {
  std::size_t rot13_words = 0;
  std::size_t reversed_words = 0;
  bool rot13_hint = false;  // "caesar", "rot13", "rot-13", "rot 13"
  bool reversed_hint = false;
  // Counts a match of markerRules()[kind].
  void add(std::size_t kind);
};

// `text`: any bytes (normally valid UTF-8; non-ASCII bytes simply end runs and words). With
// `counted` (the markers of exactly these bytes, by markerRules()), words are not looked up;
// the survey is the same either way.
Survey surveyText(std::string_view text, const MarkerCounts* counted = nullptr);

}  // namespace aisafe::detect
