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

// The same, one code point at a time: what foldText does wherever its ASCII blocks (64 or 16 bytes)
// do not apply, and what the tests hold that path to.
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

// The sum of weights[index[k]] for k in [0, count), in double: what a window's score adds up.
// Eight running sums, so no addition waits for the one before it.
double sumWeights(const float* weights, const std::uint32_t* index, std::size_t count);

// Calls emit(index, position) for every word feature of `text`, ordered by position: at a
// word's last letter its hashed word and, when a word came before it in the same run, their
// bigram. A word's letters are hashed in a loop of their own, so one word's chain of multiplies
// does not wait for the previous word's.
template <class Emit>
void forEachWordFeature(const FoldedText& text, std::uint32_t mask, Emit&& emit) {
  using namespace feature_hash;
  const char32_t* const folded = text.chars.data();
  const std::uint8_t* const kinds = text.kinds.data();
  const std::size_t n = text.code_points;
  std::uint64_t previous_word = 0;
  bool have_previous = false;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t kind = kinds[i];
    if (kind == kNotWord) {
      // Punctuation other than a space ends the bigram chain: "a. b" is not the bigram "a b".
      if (folded[i] != U' ') {
        have_previous = false;
      }
      continue;
    }
    // i starts a word: a letter before it was read with the word it belongs to. A character of
    // its own (kOwnWord) is a word by itself.
    std::uint64_t word = mix(kWordSeed, folded[i]);
    if (kind == kWordLetter) {
      while (i + 1 < n && kinds[i + 1] == kWordLetter) {
        word = mix(word, folded[++i]);
      }
    }
    const auto position = static_cast<std::uint32_t>(i);
    emit(finish(word, mask), position);
    if (have_previous) {
      emit(finish(mix(kBigramSeed, previous_word) + word, mask), position);
    }
    previous_word = word;
    have_previous = true;
  }
}

// The positions [0, n) whose character n-grams are both a 3- and a 4-gram: each must have three
// more code points after it. Past them only one position, n - 3, still starts a 3-gram.
constexpr std::size_t withFourGram(std::size_t n) { return n >= 3 ? n - 3 : 0; }

// The character 3-gram starting at folded[i], which must have two more code points after it.
inline std::uint32_t charTrigram(const char32_t* folded, std::size_t i, std::uint32_t mask) {
  using namespace feature_hash;
  return finish(mix(mix(mix(kCharSeed, folded[i]), folded[i + 1]), folded[i + 2]) + 2, mask);
}

// Calls emit(index, position) for every feature of `text`, ordered by position: `index` is the
// hashed feature reduced by `mask` (buckets - 1), `position` the code point it belongs to (a
// character n-gram's first, a word's last, so positions never go backwards). At one position
// the character n-grams come before the word features. For training and tests: serving sums
// the two kinds apart (Model::score).
template <class Emit>
void forEachFeature(const FoldedText& text, std::uint32_t mask, Emit&& emit) {
  struct Feature {
    std::uint32_t index;
    std::uint32_t position;
  };
  std::vector<Feature> words;
  forEachWordFeature(text, mask, [&](std::uint32_t index, std::uint32_t position) {
    words.push_back({index, position});
  });
  const char32_t* const folded = text.chars.data();
  const std::size_t n = text.code_points;
  const std::size_t with_4gram = withFourGram(n);
  constexpr std::size_t kChunk = 256;
  std::uint32_t grams3[kChunk];
  std::uint32_t grams4[kChunk];
  std::size_t next_word = 0;
  for (std::size_t chunk = 0; chunk < n; chunk += kChunk) {
    const std::size_t chunk_end = std::min(n, chunk + kChunk);
    if (with_4gram > chunk) {
      hashCharGrams(folded + chunk, std::min(chunk_end, with_4gram) - chunk, mask, grams3, grams4);
    }
    for (std::size_t i = chunk; i < chunk_end; ++i) {
      const auto at = static_cast<std::uint32_t>(i);
      if (i < with_4gram) {
        emit(grams3[i - chunk], at);
        emit(grams4[i - chunk], at);
      } else if (i + 2 < n) {
        emit(charTrigram(folded, i, mask), at);
      }
      for (; next_word < words.size() && words[next_word].position == at; ++next_word) {
        emit(words[next_word].index, at);
      }
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
