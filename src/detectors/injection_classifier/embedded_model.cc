// The committed model (models/injection.bin) compiled into the binary with the assembler's
// .incbin, so `aisafe` needs no file beside it. CMake passes the path and rebuilds this file
// when the model changes.
#include <cstddef>

#include "detectors/injection_classifier/injection_classifier_detector.h"

#ifndef AISAFE_INJECTION_MODEL_PATH
#error "AISAFE_INJECTION_MODEL_PATH must name the model file"
#endif

__asm__(
    ".section .rodata\n"
    ".balign 16\n"
    "aisafe_injection_model_begin:\n"
    ".incbin \"" AISAFE_INJECTION_MODEL_PATH
    "\"\n"
    "aisafe_injection_model_end:\n"
    ".previous\n");

extern "C" const char aisafe_injection_model_begin[];
extern "C" const char aisafe_injection_model_end[];

namespace aisafe::detectors {

std::string_view embeddedInjectionModel() {
  return {aisafe_injection_model_begin,
          static_cast<std::size_t>(aisafe_injection_model_end - aisafe_injection_model_begin)};
}

}  // namespace aisafe::detectors
