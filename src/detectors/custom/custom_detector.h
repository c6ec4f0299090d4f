// The "custom" detector: a policy's own keyword and regex lists. Keywords match as whole words,
// case-insensitively; regexes match as written (vectorscan syntax; add (?i) for caseless).
// Config (the policy's "custom" object): {"keywords": [string], "regexes": [string]}.
// Each entry is checked alone when the policy is saved, so a bad regex is a 422 that names it.
#pragma once

#include <memory>

#include "detect/detector.h"

namespace aisafe::detectors {

// Bounds on what one policy may add to the combined database (compile time and memory).
constexpr std::size_t kMaxCustomKeywords = 1000;
constexpr std::size_t kMaxCustomRegexes = 200;
constexpr std::size_t kMaxCustomEntryBytes = 1000;

std::unique_ptr<detect::DetectorFactory> makeCustomFactory();

}  // namespace aisafe::detectors
