#include "detectors/injection_classifier/text_features.h"

#include <array>

#include "core/utf8.h"

namespace aisafe::detectors::classifier {
namespace {

constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;

// Seeds keep the three kinds of features apart in the hash space.
constexpr std::uint64_t kWordSeed = 0x243F6A8885A308D3ULL;
constexpr std::uint64_t kBigramSeed = 0x13198A2E03707344ULL;
constexpr std::uint64_t kCharSeed = 0xA4093822299F31D0ULL;

std::uint64_t mix(std::uint64_t h, std::uint64_t v) { return (h ^ v) * kMul; }

std::uint32_t finish(std::uint64_t h, std::uint32_t mask) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  return static_cast<std::uint32_t>(h) & mask;
}

constexpr char32_t foldCase(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;  // Latin-1 capitals
  if (c >= 0x391 && c <= 0x3A9) return c + 32;             // Greek capitals
  if (c >= 0x410 && c <= 0x42F) return c + 32;             // Cyrillic capitals
  if (c >= 0x400 && c <= 0x40F) return c + 80;             // Cyrillic Ѐ..Џ
  return c;
}

constexpr bool isSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xA0 ||
         c == 0x3000;
}

constexpr bool isDigit(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

// Scripts written without spaces between words: each character counts as a word.
constexpr bool isUnspacedScript(char32_t c) {
  return (c >= 0x3040 && c <= 0x30FF) ||  // hiragana, katakana
         (c >= 0x3400 && c <= 0x9FFF) ||  // CJK ideographs
         (c >= 0xF900 && c <= 0xFAFF) ||  // CJK compatibility ideographs
         (c >= 0x0E00 && c <= 0x0E7F) ||  // Thai
         (c >= 0xAC00 && c <= 0xD7AF);    // Hangul syllables (spaced, but short words)
}

constexpr bool isWordChar(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || c == '0' || c == '\'';
  // Outside ASCII: letters of every script, but not the general punctuation and symbol blocks.
  if (c >= 0x2000 && c <= 0x2BFF) return false;
  if (c >= 0x3000 && c <= 0x303F) return false;
  if (c >= 0xFF00 && c <= 0xFF0F) return false;
  if (c >= 0xFF1A && c <= 0xFF20) return false;
  return c != 0xA0 && !(c >= 0xA1 && c <= 0xBF) && c != 0xD7 && c != 0xF7;
}

// What a folded code point is to the word features: a letter of a spaced word, a word of its
// own (unspaced scripts), or neither.
enum CharKind : std::uint8_t { kNotWord, kWordLetter, kOwnWord };

constexpr CharKind kindOf(char32_t folded) {
  if (!isWordChar(folded)) return kNotWord;
  return isUnspacedScript(folded) ? kOwnWord : kWordLetter;
}

// ASCII, which most text is, folds and classifies by table lookup.
constexpr char32_t kSpaceMark = 0xFFFFFFFF;
struct AsciiFold {
  char32_t to;  // kSpaceMark for white space
  CharKind kind;
};
constexpr std::array<AsciiFold, 128> makeAsciiFolds() {
  std::array<AsciiFold, 128> t{};
  for (char32_t c = 0; c < 128; ++c) {
    const char32_t to = isSpace(c) ? kSpaceMark : isDigit(c) ? U'0' : foldCase(c);
    t[c] = {to, to == kSpaceMark ? kNotWord : kindOf(to)};
  }
  return t;
}
constexpr auto kAsciiFolds = makeAsciiFolds();

}  // namespace

// One pass folds the text into code points (with their kinds and byte offsets); a second emits
// the features of each code point in order. Both write through pointers into buffers sized for
// the worst case: a folded text has at most as many code points as the input has bytes, and each
// code point yields at most two character n-grams and two word features.
void extractFeatures(std::string_view text, std::uint32_t buckets, TextFeatures& out) {
  out.clear();
  thread_local ScratchVector<char32_t> folded_buffer;
  thread_local ScratchVector<std::uint8_t> kind_buffer;
  if (folded_buffer.size() < text.size()) {
    folded_buffer.resize(text.size());
    kind_buffer.resize(text.size());
  }
  char32_t* const folded = folded_buffer.data();
  std::uint8_t* const kinds = kind_buffer.data();
  out.byte_of.resize(text.size());
  std::uint32_t* const byte_of = out.byte_of.data();

  std::size_t n = 0;
  bool pending_space = false;
  for (std::size_t pos = 0; pos < text.size();) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    std::size_t len = 1;
    char32_t c = 0;
    CharKind kind = kNotWord;
    if (byte < 0x80) {
      c = kAsciiFolds[byte].to;
      kind = kAsciiFolds[byte].kind;
    } else {
      c = utf8::decode(text, pos, len);
      if (isSpace(c)) {
        c = kSpaceMark;
      } else {
        c = isDigit(c) ? U'0' : foldCase(c);
        kind = kindOf(c);
      }
    }
    if (c == kSpaceMark) {
      pending_space = n != 0;
      pos += len;
      continue;
    }
    if (pending_space) {
      folded[n] = U' ';
      kinds[n] = kNotWord;
      byte_of[n++] = static_cast<std::uint32_t>(pos);
      pending_space = false;
    }
    folded[n] = c;
    kinds[n] = kind;
    byte_of[n++] = static_cast<std::uint32_t>(pos);
    pos += len;
  }
  out.byte_of.resize(n);
  out.code_points = static_cast<std::uint32_t>(n);

  out.index.resize(4 * n);
  out.position.resize(4 * n);
  std::uint32_t* const index = out.index.data();
  std::uint32_t* const position = out.position.data();
  std::size_t count = 0;
  const std::uint32_t mask = buckets - 1;
  const auto emit = [&](std::uint64_t h, std::size_t at) {
    index[count] = finish(h, mask);
    position[count++] = static_cast<std::uint32_t>(at);
  };

  std::uint64_t word = 0;
  std::uint64_t previous_word = 0;
  bool have_previous = false;
  for (std::size_t i = 0; i < n; ++i) {
    // Character 3- and 4-grams starting at i; the 3-gram's hash is the 4-gram's prefix.
    if (i + 3 < n) {
      const std::uint64_t h3 = mix(mix(mix(kCharSeed, folded[i]), folded[i + 1]), folded[i + 2]);
      emit(h3 + 2, i);
      emit(mix(h3, folded[i + 3]) + 3, i);
    } else if (i + 2 < n) {
      emit(mix(mix(mix(kCharSeed, folded[i]), folded[i + 1]), folded[i + 2]) + 2, i);
    }
    const std::uint8_t kind = kinds[i];
    if (kind == kNotWord) {
      // Punctuation other than a space ends the bigram chain: "a. b" is not the bigram "a b".
      if (folded[i] != U' ') have_previous = false;
      continue;
    }
    if (kind == kOwnWord) {
      word = mix(kWordSeed, folded[i]);
    } else {
      if (i == 0 || kinds[i - 1] != kWordLetter) word = kWordSeed;
      word = mix(word, folded[i]);
      if (i + 1 < n && kinds[i + 1] == kWordLetter) continue;  // the word goes on
    }
    // A word's features are placed at its last character, so positions never go backwards
    // and the list needs no sort.
    emit(word, i);
    if (have_previous) emit(mix(kBigramSeed, previous_word) + word, i);
    previous_word = word;
    have_previous = true;
  }
  out.index.resize(count);
  out.position.resize(count);
}

std::vector<Window> windowsOf(std::uint32_t code_points, std::uint32_t size, std::uint32_t stride) {
  if (code_points <= size) return {{0, code_points}};
  std::vector<Window> out;
  for (std::uint32_t begin = 0;; begin += stride) {
    if (begin + size >= code_points) {
      out.push_back({code_points - size, code_points});
      break;
    }
    out.push_back({begin, begin + size});
  }
  return out;
}

}  // namespace aisafe::detectors::classifier
