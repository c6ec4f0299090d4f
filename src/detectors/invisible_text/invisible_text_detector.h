// The "invisible_text" detector: reports characters that render as nothing but change what a
// model reads — Unicode tag characters (which can spell a whole hidden ASCII message), bidi
// controls (which reorder what a human reviewer sees), zero-width characters splitting words
// ("ig\u200Bnore") and supplementary variation selectors (bytes hidden after an emoji).
// A lone zero-width joiner inside an emoji sequence, or a ZWNJ in Persian, is not reported.
// The normalizer already found and removed them; this detector turns its list into findings.
#pragma once

#include <memory>

#include "detect/detector.h"

namespace aisafe::detectors {

std::unique_ptr<detect::DetectorFactory> makeInvisibleTextFactory();

}  // namespace aisafe::detectors
