// The survey as it was first written: one byte at a time, every state update spelled out. The
// tests hold the block-at-a-time survey (survey.cc) to it on generated texts; kept here, not in
// src/, because nothing in the product should run it.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "detect/normalizer.h"
#include "detect/survey.h"
#include "detect/survey_markers.h"

namespace aisafe::detect::reference {
namespace bytewise {

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
inline constexpr std::array<std::uint8_t, 256> kClasses = makeClasses();

inline bool isSpace(unsigned char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

}  // namespace bytewise

inline Survey surveyBytewise(std::string_view text) {
  using namespace bytewise;
  using namespace survey_markers;
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
    if (token_letters >= 2 && token_leet >= 2 && !token_url_like) {
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

}  // namespace aisafe::detect::reference
