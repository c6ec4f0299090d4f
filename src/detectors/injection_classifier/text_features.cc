#include "detectors/injection_classifier/text_features.h"

#include <array>

#include "core/utf8.h"

namespace aisafe::detectors::classifier {
namespace {

constexpr char32_t foldCase(char32_t c) {
  if (c >= 'A' && c <= 'Z') {
    return c + 32;
  }
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) {
    return c + 32;  // Latin-1 capitals
  }
  if (c >= 0x391 && c <= 0x3A9) {
    return c + 32;  // Greek capitals
  }
  if (c >= 0x410 && c <= 0x42F) {
    return c + 32;  // Cyrillic capitals
  }
  if (c >= 0x400 && c <= 0x40F) {
    return c + 80;  // Cyrillic Ѐ..Џ
  }
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
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || c == '0' || c == '\'';
  }
  // Outside ASCII: letters of every script, but not the general punctuation and symbol blocks.
  if (c >= 0x2000 && c <= 0x2BFF) {
    return false;
  }
  if (c >= 0x3000 && c <= 0x303F) {
    return false;
  }
  if (c >= 0xFF00 && c <= 0xFF0F) {
    return false;
  }
  if (c >= 0xFF1A && c <= 0xFF20) {
    return false;
  }
  return c != 0xA0 && !(c >= 0xA1 && c <= 0xBF) && c != 0xD7 && c != 0xF7;
}

constexpr CharKind kindOf(char32_t folded) {
  if (!isWordChar(folded)) {
    return kNotWord;
  }
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

// On x86-64, cloned for x86-64-v4 (AVX-512: eight positions per instruction, with vpmullq) and
// v3 (AVX2); the loader picks the clone the processor runs. Elsewhere (arm64) one plain build.
#if defined(__x86_64__)
#define AISAFE_CLONED_FOR_X86_LEVELS \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define AISAFE_CLONED_FOR_X86_LEVELS
#endif

// The 3-gram's hash is the 4-gram's prefix.
AISAFE_CLONED_FOR_X86_LEVELS void hashCharGrams(const char32_t* folded, std::size_t count,
                                                std::uint32_t mask, std::uint32_t* grams3,
                                                std::uint32_t* grams4) {
  using namespace feature_hash;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t h3 = mix(mix(mix(kCharSeed, folded[i]), folded[i + 1]), folded[i + 2]);
    grams3[i] = finish(h3 + 2, mask);
    grams4[i] = finish(mix(h3, folded[i + 3]) + 3, mask);
  }
}

// Writes through pointers into buffers sized for the worst case: a folded text has at most as
// many code points as the input has bytes.
void foldText(std::string_view text, FoldedText& out) {
  if (out.chars.size() < text.size()) {
    out.chars.resize(text.size());
    out.kinds.resize(text.size());
    out.byte_of.resize(text.size());
  }
  char32_t* const folded = out.chars.data();
  std::uint8_t* const kinds = out.kinds.data();
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
  out.code_points = static_cast<std::uint32_t>(n);
}

// Each code point yields at most two character n-grams and two word features.
void extractFeatures(std::string_view text, std::uint32_t buckets, TextFeatures& out) {
  foldText(text, out.text);
  out.index.resize(4 * static_cast<std::size_t>(out.text.code_points));
  out.position.resize(out.index.size());
  std::uint32_t* const index = out.index.data();
  std::uint32_t* const position = out.position.data();
  std::size_t count = 0;
  forEachFeature(out.text, buckets - 1, [&](std::uint32_t feature, std::uint32_t at) {
    index[count] = feature;
    position[count++] = at;
  });
  out.index.resize(count);
  out.position.resize(count);
}

std::vector<Window> windowsOf(std::uint32_t code_points, std::uint32_t size, std::uint32_t stride) {
  if (code_points <= size) {
    return {{0, code_points}};
  }
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
