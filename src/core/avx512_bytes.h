// Tests on 64 bytes at once with AVX-512BW, each answering a 64-bit mask (bit i: byte i
// passes). The functions are compiled for AVX-512BW whatever the build targets, so call them
// only where avx512bwRuns() says the processor has it. Shared by the passes that read prompts
// in blocks (the survey's masks, the classifier's ASCII fold); sse2_bytes.h is the fallback.
#pragma once

#if defined(__x86_64__)
// GCC 12's AVX-512 headers start some intrinsics from an undefined register, which
// -Wmaybe-uninitialized reports at every use.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#if !defined(__clang__)  // clang has no such warning and would report the unknown name
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <cstdint>

#define AISAFE_AVX512BW __attribute__((target("avx512bw")))

namespace aisafe::avx512 {

// The bytes equal to `c`.
AISAFE_AVX512BW inline std::uint64_t equals(__m512i v, char c) {
  return _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(c));
}

// The bytes in [lo, hi], compared unsigned.
AISAFE_AVX512BW inline std::uint64_t inRange(__m512i v, unsigned char lo, unsigned char hi) {
  return _mm512_cmple_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8(static_cast<char>(lo))),
                                _mm512_set1_epi8(static_cast<char>(hi - lo)));
}

// Whether this processor runs AVX-512BW; asked once.
inline bool avx512bwRuns() {
  static const bool kRuns = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bw") != 0;
  }();
  return kRuns;
}

}  // namespace aisafe::avx512

#endif
