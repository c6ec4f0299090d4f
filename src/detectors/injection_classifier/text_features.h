// What the injection classifier sees of a text: hashed word unigrams and bigrams and hashed
// character 3- and 4-grams (the fastText recipe), each tagged with the code point where it
// starts, so a window of the text can be scored from a slice of one feature list.
// The text is folded first: lower case (Latin, Latin-1, Greek, Cyrillic), digits to 0, runs of
// white space to one space. Han, kana and Thai characters are one-character words, so word
// bigrams over them are character bigrams: languages written without spaces get word features.
// Used by both training and serving, so a model scores exactly what it was trained on: both
// walk the features with forEachFeature; training keeps them (extractFeatures), serving sums
// their weights as they come (Model::score) and never stores them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/scratch_vector.h"

namespace aisafe::detectors::classifier {

// What a folded code point is to the word features: a letter of a spaced word, a word of its
// own (unspaced scripts), or neither.
enum CharKind : std::uint8_t { kNotWord, kWordLetter, kOwnWord };

// A text folded for feature extraction, one entry per folded code point.
struct FoldedText {
  ScratchVector<char32_t> chars;
  ScratchVector<std::uint8_t> kinds;     // CharKind
  ScratchVector<std::uint32_t> byte_of;  // byte offset in the input
  std::uint32_t code_points = 0;
};

// Folds valid UTF-8 `text` into `out` (its buffers are reused; nothing is freed).
void foldText(std::string_view text, FoldedText& out);

// The same, one code point at a time: what foldText does wherever its 16-byte ASCII path does
// not apply, and what the tests hold that path to.
void foldTextBytewise(std::string_view text, FoldedText& out);

namespace feature_hash {

constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;
// Seeds keep the three kinds of features apart in the hash space.
constexpr std::uint64_t kWordSeed = 0x243F6A8885A308D3ULL;
constexpr std::uint64_t kBigramSeed = 0x13198A2E03707344ULL;
constexpr std::uint64_t kCharSeed = 0xA4093822299F31D0ULL;

constexpr std::uint64_t mix(std::uint64_t h, std::uint64_t v) { return (h ^ v) * kMul; }

constexpr std::uint32_t finish(std::uint64_t h, std::uint32_t mask) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  return static_cast<std::uint32_t>(h) & mask;
}

}  // namespace feature_hash

// The indices of the character 3- and 4-grams starting at each of folded[0, count), every one of
// which must have three more code points after it. Independent per position, so it runs in
// vector registers where the processor has 64-bit vector multiplies.
void hashCharGrams(const char32_t* folded, std::size_t count, std::uint32_t mask,
                   std::uint32_t* grams3, std::uint32_t* grams4);

// Calls emit(index, position) for every feature of `text`, ordered by position: `index` is the
// hashed feature reduced by `mask` (buckets - 1), `position` the code point it belongs to (a
// character n-gram's first, a word's last, so positions never go backwards).
template <class Emit>
void forEachFeature(const FoldedText& text, std::uint32_t mask, Emit&& emit) {
  using namespace feature_hash;
  const char32_t* const folded = text.chars.data();
  const std::uint8_t* const kinds = text.kinds.data();
  const std::size_t n = text.code_points;
  const std::size_t with_4gram = n >= 3 ? n - 3 : 0;  // positions [0, with_4gram) have both
  constexpr std::size_t kChunk = 256;
  std::uint32_t grams3[kChunk];
  std::uint32_t grams4[kChunk];
  std::uint64_t word = 0;
  std::uint64_t previous_word = 0;
  bool have_previous = false;
  for (std::size_t chunk = 0; chunk < n; chunk += kChunk) {
    const std::size_t chunk_end = std::min(n, chunk + kChunk);
    if (with_4gram > chunk) {
      hashCharGrams(folded + chunk, std::min(chunk_end, with_4gram) - chunk, mask, grams3, grams4);
    }
    for (std::size_t i = chunk; i < chunk_end; ++i) {
      const auto at = static_cast<std::uint32_t>(i);
      // Character 3- and 4-grams starting at i.
      if (i < with_4gram) {
        emit(grams3[i - chunk], at);
        emit(grams4[i - chunk], at);
      } else if (i + 2 < n) {
        emit(finish(mix(mix(mix(kCharSeed, folded[i]), folded[i + 1]), folded[i + 2]) + 2, mask),
             at);
      }
      const std::uint8_t kind = kinds[i];
      if (kind == kNotWord) {
        // Punctuation other than a space ends the bigram chain: "a. b" is not the bigram "a b".
        if (folded[i] != U' ') {
          have_previous = false;
        }
        continue;
      }
      if (kind == kOwnWord) {
        word = mix(kWordSeed, folded[i]);
      } else {
        if (i == 0 || kinds[i - 1] != kWordLetter) {
          word = kWordSeed;
        }
        word = mix(word, folded[i]);
        if (i + 1 < n && kinds[i + 1] == kWordLetter) {
          continue;  // the word goes on
        }
      }
      emit(finish(word, mask), at);
      if (have_previous) {
        emit(finish(mix(kBigramSeed, previous_word) + word, mask), at);
      }
      previous_word = word;
      have_previous = true;
    }
  }
}

// The features of a text, kept (for training and tests).
struct TextFeatures {
  ScratchVector<std::uint32_t> index;     // hashed feature, already reduced to the bucket count
  ScratchVector<std::uint32_t> position;  // code point of the folded text it belongs to
  FoldedText text;
};

// Extracts the features of valid UTF-8 `text` into `out` (cleared first); buckets is a power of
// two. Features come out ordered by position.
void extractFeatures(std::string_view text, std::uint32_t buckets, TextFeatures& out);

// A span of the folded text, in code points.
struct Window {
  std::uint32_t begin;
  std::uint32_t end;
};

// Overlapping windows covering the text: one when it is at most `size` code points long,
// otherwise windows of `size` every `stride` code points, the last one ending at the end.
std::vector<Window> windowsOf(std::uint32_t code_points, std::uint32_t size, std::uint32_t stride);

}  // namespace aisafe::detectors::classifier
