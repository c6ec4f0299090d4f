#include "detect/survey.h"

#include <array>
#include <cstdint>

#include "detect/normalizer.h"

namespace aisafe::detect {
namespace {

enum : std::uint8_t {
  kUpper = 1,
  kLower = 2,
  kDigit = 4,
  kBase64 = 8,  // either alphabet: A-Z a-z 0-9 + / - _
  kHex = 16,
  kLeet = 32,     // characters leetspeak draws letters with
  kWordSep = 64,  // punctuation used to split a word: ig-no-re, ignore.previous, a_b_c
  kSpace = 128,   // white space as the rules' \s sees it
  kAlnum = kUpper | kLower | kDigit,
};

constexpr std::array<std::uint8_t, 256> makeClasses() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) {
    t[c] = kUpper | kBase64;
  }
  for (int c = 'a'; c <= 'z'; ++c) {
    t[c] = kLower | kBase64;
  }
  for (int c = '0'; c <= '9'; ++c) {
    t[c] = kDigit | kBase64 | kHex;
  }
  for (int c = 'A'; c <= 'F'; ++c) {
    t[c] |= kHex;
  }
  for (int c = 'a'; c <= 'f'; ++c) {
    t[c] |= kHex;
  }
  for (unsigned char c : {'+', '/'}) {
    t[c] |= kBase64;
  }
  for (unsigned char c : {'-', '_'}) {
    t[c] |= kBase64 | kWordSep;
  }
  t['.'] |= kWordSep;
  for (unsigned char c : {' ', '\t', '\n', '\r', '\f', '\v'}) {
    t[c] |= kSpace;
  }
  for (unsigned char c : {'0', '1', '3', '4', '5', '7', '@', '$'}) {
    t[c] |= kLeet;
  }
  return t;
}
constexpr std::array<std::uint8_t, 256> kClasses = makeClasses();

bool isSpace(unsigned char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// A lower-cased word of up to 8 letters packed into an integer, so the marker lists below are
// compared with one instruction per entry.
constexpr std::uint64_t pack(std::string_view w) {
  std::uint64_t k = 0;
  for (char c : w) {
    k = (k << 8) | static_cast<unsigned char>(c | 0x20);
  }
  return k;
}

enum class Marker : std::uint8_t { kNone, kRot13, kReversed, kRot13Hint, kReversedHint, kRot };
struct MarkerWord {
  std::uint64_t key;
  Marker marker;
};
// Frequent English words as they look after ROT13 or reversal, and the words people use to ask
// for a decoding. Chosen to be rare as plain English or code ("dna", "gb" and "bs" are left out).
constexpr MarkerWord kMarkers[] = {
    {pack("gur"), Marker::kRot13},
    {pack("naq"), Marker::kRot13},
    {pack("lbh"), Marker::kRot13},
    {pack("lbhe"), Marker::kRot13},
    {pack("nyy"), Marker::kRot13},
    {pack("vtaber"), Marker::kRot13},
    {pack("cerivbhf"), Marker::kRot13},
    {pack("flfgrz"), Marker::kRot13},
    {pack("cebzcg"), Marker::kRot13},
    {pack("ehyrf"), Marker::kRot13},
    {pack("eht"), Marker::kReversed},
    {pack("uoy"), Marker::kReversed},
    {pack("ruoy"), Marker::kReversed},
    {pack("lla"), Marker::kReversed},
    {pack("erongi"), Marker::kReversed},
    {pack("suoiverp"), Marker::kReversed},
    {pack("metsys"), Marker::kReversed},
    {pack("tpmorp"), Marker::kReversed},
    {pack("selur"), Marker::kReversed},
    {pack("caesar"), Marker::kRot13Hint},
    {pack("reverse"), Marker::kReversedHint},
    {pack("reversed"), Marker::kReversedHint},
    {pack("backward"), Marker::kReversedHint},
    {pack("esrever"), Marker::kReversedHint},
    {pack("rot"), Marker::kRot},
};

// The markers in a small open-addressing table, so a word costs one multiply and a probe or
// two instead of a walk over the list: this runs for every word of every text.
constexpr std::size_t kTableBits = 7;
constexpr std::size_t slotOf(std::uint64_t key) {
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64 - kTableBits));
}
constexpr std::array<MarkerWord, std::size_t{1} << kTableBits> makeTable() {
  std::array<MarkerWord, std::size_t{1} << kTableBits> t{};
  for (const MarkerWord& m : kMarkers) {
    std::size_t i = slotOf(m.key);
    while (t[i].key != 0) {
      i = (i + 1) & (t.size() - 1);
    }
    t[i] = m;
  }
  return t;
}
constexpr auto kMarkerTable = makeTable();

// Most words cannot be a marker: their first and last letters already rule them out. This
// bit table of (first, last) letter pairs of the markers lets those words skip packing and the
// probe, which were a third of the survey's time on prose.
constexpr std::size_t kLetters = 26;
constexpr std::array<std::uint32_t, kLetters> makeEnds() {
  std::array<std::uint32_t, kLetters> t{};
  for (const MarkerWord& m : kMarkers) {
    const unsigned last = static_cast<unsigned>(m.key & 0xFF) - 'a';
    std::uint64_t first_byte = m.key;
    while (first_byte > 0xFF) {
      first_byte >>= 8;
    }
    t[static_cast<std::size_t>(first_byte) - 'a'] |= std::uint32_t{1} << last;
  }
  return t;
}
constexpr auto kMarkerEnds = makeEnds();

// `first` and `last` are ASCII letters of either case.
bool mayBeMarker(unsigned char first, unsigned char last) {
  const unsigned f = (first | 0x20U) - 'a';
  const unsigned l = (last | 0x20U) - 'a';
  return ((kMarkerEnds[f] >> l) & 1U) != 0;
}

Marker lookup(std::uint64_t key) {
  for (std::size_t i = slotOf(key);; i = (i + 1) & (kMarkerTable.size() - 1)) {
    if (kMarkerTable[i].key == key) {
      return kMarkerTable[i].marker;
    }
    if (kMarkerTable[i].key == 0) {
      return Marker::kNone;
    }
  }
}

// Words of more than 8 letters ("instructions") are not packed: the shorter markers suffice,
// except that "backwards" is read as "backward".
constexpr std::size_t kMaxPackedWord = 8;

}  // namespace

Survey surveyText(std::string_view text) {
  Survey s;
  const std::size_t n = text.size();
  const auto at = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };

  std::size_t run = 0;  // base64/hex-alphabet run
  std::uint8_t run_classes = 0;
  std::size_t url_escapes = 0;
  std::size_t hex_streak = 0, hex_streak_end = 0;  // "\x69\x67", "69 67 6e": bytes in a row
  std::size_t rot_markers = 0, rev_markers = 0;
  std::size_t word_start = 0, word_len = 0;  // ASCII letters
  std::size_t token_begin = 0, spaced = 0, last_single_end = 0;
  std::size_t token_letters = 0, token_leet = 0, token_seps = 0, leet_words = 0;
  bool token_url_like = false;  // '/', ':' or '@': paths, URLs and emails split on dots legally
  std::size_t space_run = 0;    // white space in a row

  const auto end_run = [&] {
    // Real base64 of text mixes cases and digits; a long all-lowercase run is just a long word.
    const int classes = ((run_classes & kUpper) != 0) + ((run_classes & kLower) != 0) +
                        ((run_classes & kDigit) != 0);
    if (run >= kMinEncodedRun && classes >= 2) {
      s.encoded = true;
    }
    run = 0;
    run_classes = 0;
  };
  const auto end_word = [&](std::size_t end) {
    const bool plural = word_len == kMaxPackedWord + 1 && (at(end - 1) | 0x20) == 's';
    const std::size_t packed = plural ? kMaxPackedWord : word_len;
    if (word_len >= 3 && (word_len <= kMaxPackedWord || plural) &&
        mayBeMarker(at(word_start), at(word_start + packed - 1))) {
      switch (lookup(pack(text.substr(word_start, packed)))) {
        case Marker::kNone:
          break;
        case Marker::kRot13:
          ++rot_markers;
          break;
        case Marker::kReversed:
          ++rev_markers;
          break;
        case Marker::kRot13Hint:
          s.rot13 = true;
          break;
        case Marker::kReversedHint:
          s.reversed = true;
          break;
        case Marker::kRot: {  // "rot13", "rot-13", "rot 13"
          std::size_t k = end;
          if (k < n && (at(k) == '-' || at(k) == ' ' || at(k) == '_')) {
            ++k;
          }
          if (k + 1 < n && at(k) == '1' && at(k + 1) == '3') {
            s.rot13 = true;
          }
          break;
        }
      }
    }
    word_len = 0;
  };
  // A token is what lies between whitespace; `end` is where it stops.
  const auto end_token = [&](std::size_t end) {
    const std::size_t len = end - token_begin;
    if (len == 1 && (kClasses[at(token_begin)] & (kUpper | kLower | kLeet)) != 0) {
      // One letter (or leetspeak digit) after another, one space apart: "i g n o r e", "1 g n 0".
      const bool next_to_last =
          spaced > 0 && last_single_end + 1 == token_begin && at(token_begin - 1) == ' ';
      spaced = next_to_last ? spaced + 1 : 1;
      last_single_end = end;
      if (spaced >= kMinSpacedLetters) {
        s.obfuscated = true;
      }
    } else if (len > 1) {
      spaced = 0;
    }
    token_begin = end + 1;
    if (token_letters >= 2 && token_leet >= 2) {
      ++leet_words;
    }
    if (token_seps >= 2 && !token_url_like) {
      s.obfuscated = true;
    }
    token_letters = token_leet = token_seps = 0;
    token_url_like = false;
  };

  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = at(i);
    const std::uint8_t cls = kClasses[c];
    space_run = (cls & kSpace) != 0 ? space_run + 1 : 0;
    if (space_run > kMaxWhitespaceRun) {
      s.obfuscated = true;
    }
    if ((cls & kBase64) != 0) {
      ++run;
      run_classes |= cls;
    } else if (run != 0) {
      end_run();
    }
    if ((cls & kHex) != 0 && i + 1 < n && (kClasses[at(i + 1)] & kHex) != 0 &&
        (i + 2 == n || (kClasses[at(i + 2)] & kAlnum) == 0)) {
      // Two hex digits standing alone, or after \x or 0x: one byte of hex written byte by
      // byte. Bytes one separator apart (or none, after a prefix) make a streak.
      const bool prefixed =
          i >= 2 && (at(i - 1) | 0x20) == 'x' && (at(i - 2) == '\\' || at(i - 2) == '0');
      if (prefixed || i == 0 || (kClasses[at(i - 1)] & kAlnum) == 0) {
        const std::size_t from = prefixed ? i - 2 : i;
        const bool next = hex_streak > 0 && (from == hex_streak_end || from == hex_streak_end + 1);
        hex_streak = next ? hex_streak + 1 : 1;
        hex_streak_end = i + 2;
        if (hex_streak >= kMinHexPairs) {
          s.encoded = true;
        }
      }
    }
    if ((cls & (kUpper | kLower)) != 0) {
      if (word_len++ == 0) {
        word_start = i;
      }
      ++token_letters;
      continue;
    }
    if (word_len != 0) {
      end_word(i);
    }
    if (isSpace(c)) {
      end_token(i);
      continue;
    }
    if ((cls & kLeet) != 0) {
      ++token_leet;
    }
    if ((cls & kWordSep) != 0 && i > 0 && i + 1 < n && (kClasses[at(i - 1)] & (kUpper | kLower)) &&
        (kClasses[at(i + 1)] & (kUpper | kLower))) {
      ++token_seps;
    } else if (c == '/' || c == ':' || c == '@') {
      token_url_like = true;
    } else if (c == '%' && i + 2 < n && (kClasses[at(i + 1)] & kHex) &&
               (kClasses[at(i + 2)] & kHex)) {
      ++url_escapes;
    }
  }
  if (run != 0) {
    end_run();
  }
  if (word_len != 0) {
    end_word(n);
  }
  end_token(n);

  if (url_escapes >= kMinUrlEscapes) {
    s.encoded = true;
  }
  if (rot_markers >= kMinMarkerWords) {
    s.rot13 = true;
  }
  if (rev_markers >= kMinMarkerWords) {
    s.reversed = true;
  }
  if (leet_words >= kMinLeetWords) {
    s.obfuscated = true;
  }
  return s;
}

}  // namespace aisafe::detect
