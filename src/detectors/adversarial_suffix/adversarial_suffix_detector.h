// The "adversarial_suffix" detector: a harmful request followed by optimized token salad (GCG,
// DSN: "...crack passwords $\{fen AS en huit bullet points ? <?hide](textitspanifying6<<").
// The literature's baseline is perplexity under a model of ordinary text (char_lm.h); its known
// weakness is honest text that is not prose: code, tables, URLs, other scripts. So perplexity
// is only asked about one shape, cheapest test first:
//   1. the last kTailWords words use brackets out of order (a closer that does not match the
//      opener before it, or openers left open at the end of the text). Code, markdown and
//      math close what they open; salad assembled token by token does not. Prose has no
//      brackets, so nearly every text stops here after reading its last ~80 bytes;
//   2. there are words before them (a request), the tail is ASCII, holds no URL, path, e-mail
//      or markdown link, and the text has no code markers (```, ==, >>>, =>, &&, ...);
//   3. the tail reads as far less probable than the words just before it (perplexity, in bits
//      per character), with several words that are improbable on their own.
// Reports category jailbreak, type adversarial_suffix, span the tail; it blocks alone in the
// default policy (see docs/detection.md for the figures that decided it).
//
// The model is compiled into the binary (models/suffix_lm.bin, built by `aisafe train
// --suffix-out`). Immutable and thread-safe; scanning allocates only for texts that pass step 1.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "detect/detector.h"
#include "detectors/adversarial_suffix/char_lm.h"

namespace aisafe::detectors {

namespace suffix {

inline constexpr std::size_t kTailWords = 10;       // GCG's 20 tokens are about 10 words
inline constexpr std::size_t kMinPrefixWords = 4;   // the request the salad is appended to
inline constexpr std::size_t kPrefixSymbols = 150;  // how much of the request is compared
// Bits per character (model trained on ~20 MB of benign rows; ordinary English prose scores
// 2-2.5). Chosen on benign rows with each origin's own text taken out of the model, so that no
// origin had a row over all of them; see docs/detection.md.
inline constexpr float kMinTailBits = 3.5F;
inline constexpr float kMaxPrefixBits = 3.5F;
inline constexpr float kMinRise = 1.0F;      // tail minus prefix
inline constexpr float kOddWordBits = 5.5F;  // a word this improbable per character is odd
inline constexpr std::size_t kMinOddWords = 2;

// What the shape test measured; `found` when every step passed. Offsets into the text.
struct SuffixVerdict {
  bool found = false;
  std::size_t start = 0, end = 0;  // the tail
  float tail_bits = 0, prefix_bits = 0;
  std::size_t odd_words = 0;
};

// Steps 1-3 above on `text` (any bytes).
SuffixVerdict judgeSuffix(const CharLm& lm, std::string_view text);

// Step 1 alone: brackets out of order in the last kTailWords words. Exposed for tests.
bool bracketsOutOfOrder(std::string_view text);

}  // namespace suffix

// `model_path` empty: the embedded model. `digest`: SHA-256 hex of the model bytes.
Result<std::unique_ptr<detect::DetectorFactory>> makeAdversarialSuffixFactory(
    const std::string& model_path, std::string& digest);

// A factory over a model in memory (leave-one-source-out evaluation trains one per origin).
std::unique_ptr<detect::DetectorFactory> makeAdversarialSuffixFactory(
    std::shared_ptr<const suffix::CharLm> lm);

// The model compiled into the binary.
std::string_view embeddedSuffixModel();

}  // namespace aisafe::detectors
