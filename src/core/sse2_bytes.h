// Tests on 16 bytes at once with SSE2, which every x86-64 processor has: each answers 0xFF in
// the bytes that pass and 0 in the others, ready for _mm_movemask_epi8 or a blend. Shared by
// the passes that read prompts in blocks (the survey's masks, the classifier's ASCII fold).
#pragma once

#if defined(__SSE2__)
#include <emmintrin.h>

namespace aisafe::sse2 {

// The bytes equal to `c`.
inline __m128i equals(__m128i v, char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); }

// The bytes in [lo, hi], compared unsigned: v - lo <= hi - lo exactly when min(v - lo, hi - lo)
// is v - lo (SSE2 has no unsigned byte comparison).
inline __m128i inRange(__m128i v, unsigned char lo, unsigned char hi) {
  const __m128i shifted = _mm_sub_epi8(v, _mm_set1_epi8(static_cast<char>(lo)));
  const __m128i width = _mm_set1_epi8(static_cast<char>(hi - lo));
  return _mm_cmpeq_epi8(_mm_min_epu8(shifted, width), shifted);
}

}  // namespace aisafe::sse2

#endif
