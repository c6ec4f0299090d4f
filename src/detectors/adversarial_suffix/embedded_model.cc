// The committed model (models/suffix_lm.bin) compiled into the binary with the assembler's
// .incbin, so `aisafe` needs no file beside it. CMake passes the path and rebuilds this file
// when the model changes.
#include <cstddef>

#include "detectors/adversarial_suffix/adversarial_suffix_detector.h"

#ifndef AISAFE_SUFFIX_MODEL_PATH
#error "AISAFE_SUFFIX_MODEL_PATH must name the model file"
#endif

__asm__(
    ".section .rodata\n"
    ".balign 16\n"
    "aisafe_suffix_model_begin:\n"
    ".incbin \"" AISAFE_SUFFIX_MODEL_PATH
    "\"\n"
    "aisafe_suffix_model_end:\n"
    ".previous\n");

extern "C" const char aisafe_suffix_model_begin[];
extern "C" const char aisafe_suffix_model_end[];

namespace aisafe::detectors {

std::string_view embeddedSuffixModel() {
  return {aisafe_suffix_model_begin,
          static_cast<std::size_t>(aisafe_suffix_model_end - aisafe_suffix_model_begin)};
}

}  // namespace aisafe::detectors
