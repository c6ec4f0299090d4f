#include "detectors/injection_classifier/text_features.h"

#include <array>

#include "core/avx512_bytes.h"
#include "core/sse2_bytes.h"
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

AISAFE_CLONED_FOR_X86_LEVELS double sumWeights(const float* weights, const std::uint32_t* index,
                                               std::size_t count) {
  constexpr std::size_t kLanes = 8;
  double lanes[kLanes] = {};
  std::size_t k = 0;
  for (; k + kLanes <= count; k += kLanes) {
    for (std::size_t j = 0; j < kLanes; ++j) {
      lanes[j] += weights[index[k + j]];
    }
  }
  for (; k < count; ++k) {
    lanes[0] += weights[index[k]];
  }
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
         ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

#if defined(__SSE2__)
namespace {

constexpr std::size_t kAsciiChunk = 16;

using sse2::equals;
using sse2::inRange;

// Stores the 16 bytes of v as 16 32-bit values, the i-th plus base + i * step.
void widenInto(__m128i v, std::uint32_t base, std::uint32_t step, std::uint32_t* out) {
  const __m128i zero = _mm_setzero_si128();
  const __m128i low = _mm_unpacklo_epi8(v, zero);
  const __m128i high = _mm_unpackhi_epi8(v, zero);
  const __m128i quarters[4] = {_mm_unpacklo_epi16(low, zero), _mm_unpackhi_epi16(low, zero),
                               _mm_unpacklo_epi16(high, zero), _mm_unpackhi_epi16(high, zero)};
  for (std::size_t q = 0; q < 4; ++q) {
    const auto first = static_cast<std::uint32_t>(base + 4 * q * step);
    const __m128i offsets =
        _mm_setr_epi32(static_cast<int>(first), static_cast<int>(first + step),
                       static_cast<int>(first + 2 * step), static_cast<int>(first + 3 * step));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 4 * q), _mm_add_epi32(quarters[q], offsets));
  }
}

// Folds bytes[0, 16) when they fold one to one: all ASCII, no white space but single spaces
// with something other than white space after them (bytes[16] too, which must be readable),
// and no space first when nothing was folded before it (leading spaces are dropped). A space
// then becomes one folded space that, as in the bytewise fold, points at the byte after it.
// False, and nothing written, otherwise.
bool foldAsciiChunk(const unsigned char* bytes, std::uint32_t pos, bool after_text,
                    char32_t* folded, std::uint8_t* kinds, std::uint32_t* byte_of) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes));
  const __m128i blank = equals(v, ' ');
  const auto spaces = static_cast<unsigned>(_mm_movemask_epi8(blank));
  const unsigned next = bytes[kAsciiChunk];
  const bool next_is_text = next < 0x80 && next != ' ' && (next < '\t' || next > '\r');
  if (_mm_movemask_epi8(v) != 0 || _mm_movemask_epi8(inRange(v, '\t', '\r')) != 0 ||
      (spaces & (spaces >> 1)) != 0 || ((spaces & 0x8000U) != 0 && !next_is_text) ||
      ((spaces & 1U) != 0 && !after_text)) {
    return false;
  }
  const __m128i upper = inRange(v, 'A', 'Z');
  const __m128i digit = inRange(v, '0', '9');
  __m128i f = _mm_add_epi8(v, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
  f = _mm_or_si128(_mm_andnot_si128(digit, f), _mm_and_si128(digit, _mm_set1_epi8('0')));
  const __m128i word =
      _mm_or_si128(_mm_or_si128(inRange(f, 'a', 'z'), equals(f, '0')), equals(f, '\''));
  static_assert(kWordLetter == 1 && kNotWord == 0, "kinds are stored as the word mask's low bit");
  _mm_storeu_si128(reinterpret_cast<__m128i*>(kinds), _mm_and_si128(word, _mm_set1_epi8(1)));
  static_assert(sizeof(char32_t) == sizeof(std::uint32_t));
  widenInto(f, 0, 0, reinterpret_cast<std::uint32_t*>(folded));
  widenInto(_mm_and_si128(blank, _mm_set1_epi8(1)), pos, 1, byte_of);
  return true;
}

}  // namespace
#endif

#if defined(__x86_64__)
namespace {

constexpr std::size_t kAsciiBlock = 64;

// foldAsciiChunk for 64 bytes at once (bytes[64] must be readable), with AVX-512BW: one mask
// per test, and each 16-byte quarter widened to 32 bits by one instruction.
AISAFE_AVX512BW bool foldAsciiBlock(const unsigned char* bytes, std::uint32_t pos, bool after_text,
                                    char32_t* folded, std::uint8_t* kinds, std::uint32_t* byte_of) {
  const __m512i v = _mm512_loadu_si512(bytes);
  const std::uint64_t spaces = avx512::equals(v, ' ');
  const unsigned next = bytes[kAsciiBlock];
  const bool next_is_text = next < 0x80 && next != ' ' && (next < '\t' || next > '\r');
  constexpr std::uint64_t kLast = std::uint64_t{1} << 63;
  if (_mm512_movepi8_mask(v) != 0 || avx512::inRange(v, '\t', '\r') != 0 ||
      (spaces & (spaces >> 1)) != 0 || ((spaces & kLast) != 0 && !next_is_text) ||
      ((spaces & 1U) != 0 && !after_text)) {
    return false;
  }
  const std::uint64_t digit = avx512::inRange(v, '0', '9');
  __m512i f = _mm512_mask_add_epi8(v, avx512::inRange(v, 'A', 'Z'), v, _mm512_set1_epi8(0x20));
  f = _mm512_mask_mov_epi8(f, digit, _mm512_set1_epi8('0'));
  const std::uint64_t word = avx512::inRange(f, 'a', 'z') | digit | avx512::equals(f, '\'');
  _mm512_storeu_si512(kinds, _mm512_maskz_mov_epi8(word, _mm512_set1_epi8(kWordLetter)));
  // A folded space points at the byte after it, as in the bytewise fold.
  const __m512i after_space = _mm512_maskz_mov_epi8(spaces, _mm512_set1_epi8(1));
  const __m128i chars[4] = {_mm512_extracti32x4_epi32(f, 0), _mm512_extracti32x4_epi32(f, 1),
                            _mm512_extracti32x4_epi32(f, 2), _mm512_extracti32x4_epi32(f, 3)};
  const __m128i steps[4] = {
      _mm512_extracti32x4_epi32(after_space, 0), _mm512_extracti32x4_epi32(after_space, 1),
      _mm512_extracti32x4_epi32(after_space, 2), _mm512_extracti32x4_epi32(after_space, 3)};
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (std::size_t q = 0; q < kAsciiBlock / 16; ++q) {
    const __m512i first = _mm512_set1_epi32(static_cast<int>(pos + 16 * q));
    _mm512_storeu_si512(folded + 16 * q, _mm512_cvtepu8_epi32(chars[q]));
    _mm512_storeu_si512(byte_of + 16 * q, _mm512_add_epi32(_mm512_add_epi32(iota, first),
                                                           _mm512_cvtepu8_epi32(steps[q])));
  }
  return true;
}

}  // namespace
#endif

// Writes through pointers into buffers sized for the worst case: a folded text has at most as
// many code points as the input has bytes. With `chunks`, ASCII prose goes 64 bytes at a time
// where AVX-512BW runs (foldAsciiBlock), else 16 (foldAsciiChunk); the result is the same.
template <bool kChunks>
void foldWith(std::string_view text, FoldedText& out) {
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
  [[maybe_unused]] std::size_t bytewise_until = 0;  // after a chunk that did not fold 1:1
  for (std::size_t pos = 0; pos < text.size();) {
#if defined(__SSE2__)
    if constexpr (kChunks) {
      if (pos >= bytewise_until && !pending_space) {
#if defined(__x86_64__)
        if (pos + kAsciiBlock < text.size() && avx512::avx512bwRuns() &&
            foldAsciiBlock(reinterpret_cast<const unsigned char*>(text.data()) + pos,
                           static_cast<std::uint32_t>(pos), n != 0, folded + n, kinds + n,
                           byte_of + n)) {
          n += kAsciiBlock;
          pos += kAsciiBlock;
          continue;
        }
#endif
        if (pos + kAsciiChunk < text.size() &&
            foldAsciiChunk(reinterpret_cast<const unsigned char*>(text.data()) + pos,
                           static_cast<std::uint32_t>(pos), n != 0, folded + n, kinds + n,
                           byte_of + n)) {
          n += kAsciiChunk;
          pos += kAsciiChunk;
          continue;
        }
        bytewise_until = pos + kAsciiChunk;
      }
    }
#endif
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

void foldText(std::string_view text, FoldedText& out) { foldWith<true>(text, out); }

void foldTextBytewise(std::string_view text, FoldedText& out) { foldWith<false>(text, out); }

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
