#include "detect/survey_masks.h"

#include "core/avx512_bytes.h"
#include "core/sse2_bytes.h"

namespace aisafe::detect {

BlockMasks classifyBlockBytewise(const unsigned char* bytes) {
  BlockMasks m;
  for (std::size_t i = 0; i < kSurveyBlock; ++i) {
    const unsigned char c = bytes[i];
    const unsigned char lower = c | 0x20;
    const bool letter = lower >= 'a' && lower <= 'z';
    const bool digit = c >= '0' && c <= '9';
    const std::uint64_t bit = std::uint64_t{1} << i;
    const auto set = [&](std::uint64_t& mask, bool yes) {
      if (yes) {
        mask |= bit;
      }
    };
    set(m.letter, letter);
    set(m.digit, digit);
    set(m.hex, digit || (lower >= 'a' && lower <= 'f'));
    set(m.base64, letter || digit || c == '+' || c == '/' || c == '-' || c == '_');
    set(m.space, c == ' ' || (c >= '\t' && c <= '\r'));
    set(m.token_break, c == ' ' || c == '\t' || c == '\n' || c == '\r');
    set(m.blank, c == ' ');
    set(m.leet, c == '0' || c == '1' || c == '3' || c == '4' || c == '5' || c == '7' || c == '@' ||
                    c == '$');
    set(m.word_sep, c == '-' || c == '_' || c == '.');
    set(m.url, c == '/' || c == ':' || c == '@');
    set(m.percent, c == '%');
    set(m.x, lower == 'x');
    set(m.escape, c == '\\' || c == '0');
  }
  return m;
}

#if defined(__SSE2__)
namespace {

using sse2::equals;
using sse2::inRange;

std::uint64_t bits(__m128i v, std::size_t part) {
  return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(v)))
         << (16 * part);
}

BlockMasks classifyBlockSse2(const unsigned char* bytes) {
  BlockMasks m;
  for (std::size_t part = 0; part < kSurveyBlock / 16; ++part) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + 16 * part));
    const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    const __m128i letter = inRange(lower, 'a', 'z');
    const __m128i digit = inRange(v, '0', '9');
    const __m128i dash = equals(v, '-');
    const __m128i underscore = equals(v, '_');
    const __m128i slash = equals(v, '/');
    const __m128i at = equals(v, '@');
    const __m128i blank = equals(v, ' ');
    const __m128i zero = equals(v, '0');
    const __m128i control_space = inRange(v, '\t', '\r');
    const __m128i vertical = inRange(v, '\v', '\f');  // white space, but not a token break
    m.letter |= bits(letter, part);
    m.digit |= bits(digit, part);
    m.hex |= bits(_mm_or_si128(digit, inRange(lower, 'a', 'f')), part);
    m.base64 |= bits(
        _mm_or_si128(_mm_or_si128(letter, digit), _mm_or_si128(_mm_or_si128(equals(v, '+'), slash),
                                                               _mm_or_si128(dash, underscore))),
        part);
    m.space |= bits(_mm_or_si128(blank, control_space), part);
    m.token_break |= bits(_mm_or_si128(blank, _mm_andnot_si128(vertical, control_space)), part);
    m.blank |= bits(blank, part);
    const __m128i leet_digit =
        _mm_or_si128(_mm_or_si128(inRange(v, '0', '1'), inRange(v, '3', '5')), equals(v, '7'));
    m.leet |= bits(_mm_or_si128(leet_digit, _mm_or_si128(at, equals(v, '$'))), part);
    m.word_sep |= bits(_mm_or_si128(_mm_or_si128(dash, underscore), equals(v, '.')), part);
    m.url |= bits(_mm_or_si128(_mm_or_si128(slash, equals(v, ':')), at), part);
    m.percent |= bits(equals(v, '%'), part);
    m.x |= bits(equals(lower, 'x'), part);
    m.escape |= bits(_mm_or_si128(equals(v, '\\'), zero), part);
  }
  return m;
}

}  // namespace
#endif

#if defined(__x86_64__)
namespace {

// With AVX-512 a whole block is one register and every comparison yields its 64-bit mask
// directly. Built for that target here and chosen at start-up, so the binary still runs on
// any x86-64.
AISAFE_AVX512BW BlockMasks classifyBlockAvx512(const unsigned char* bytes) {
  const __m512i v = _mm512_loadu_si512(bytes);
  const __m512i lower = _mm512_or_si512(v, _mm512_set1_epi8(0x20));
  BlockMasks m;
  m.letter = avx512::inRange(lower, 'a', 'z');
  m.digit = avx512::inRange(v, '0', '9');
  m.hex = m.digit | avx512::inRange(lower, 'a', 'f');
  const std::uint64_t dash = avx512::equals(v, '-');
  const std::uint64_t underscore = avx512::equals(v, '_');
  const std::uint64_t slash = avx512::equals(v, '/');
  const std::uint64_t at = avx512::equals(v, '@');
  m.blank = avx512::equals(v, ' ');
  const std::uint64_t control_space = avx512::inRange(v, '\t', '\r');
  m.base64 = m.letter | m.digit | avx512::equals(v, '+') | slash | dash | underscore;
  m.space = m.blank | control_space;
  m.token_break = m.blank | (control_space & ~avx512::inRange(v, '\v', '\f'));
  m.leet = avx512::inRange(v, '0', '1') | avx512::inRange(v, '3', '5') | avx512::equals(v, '7') |
           at | avx512::equals(v, '$');
  m.word_sep = dash | underscore | avx512::equals(v, '.');
  m.url = slash | avx512::equals(v, ':') | at;
  m.percent = avx512::equals(v, '%');
  m.x = avx512::equals(lower, 'x');
  m.escape = avx512::equals(v, '\\') | avx512::equals(v, '0');
  return m;
}

}  // namespace
#endif

std::vector<BlockClassifier> blockClassifiers() {
  std::vector<BlockClassifier> all = {{"bytewise", classifyBlockBytewise}};
#if defined(__SSE2__)
  all.push_back({"sse2", classifyBlockSse2});
#endif
#if defined(__x86_64__)
  if (avx512::avx512bwRuns()) {
    all.push_back({"avx512bw", classifyBlockAvx512});
  }
#endif
  return all;
}

BlockMasks classifyBlock(const unsigned char* bytes) {
  // The last one listed is the fastest this processor runs; chosen on first use, so no
  // start-up order matters.
  static const BlockClassifier::Function kFastest = blockClassifiers().back().classify;
  return kFastest(bytes);
}

}  // namespace aisafe::detect
