// What the injection classifier sees of a text: hashed word unigrams and bigrams and hashed
// character 3- and 4-grams (the fastText recipe), each tagged with the code point where it
// starts, so a window of the text can be scored from a slice of one feature list.
// The text is folded first: lower case (Latin, Latin-1, Greek, Cyrillic), digits to 0, runs of
// white space to one space. Han, kana and Thai characters are one-character words, so word
// bigrams over them are character bigrams: languages written without spaces get word features.
// Used by both training and serving, so a model scores exactly what it was trained on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/scratch_vector.h"

namespace aisafe::detectors::classifier {

struct TextFeatures {
  ScratchVector<std::uint32_t> index;     // hashed feature, already reduced to the bucket count
  ScratchVector<std::uint32_t> position;  // code point of the folded text it belongs to (a
                                          // character n-gram's first, a word's last)
  ScratchVector<std::uint32_t> byte_of;   // per folded code point: byte offset in the input
  std::uint32_t code_points = 0;          // length of the folded text

  void clear() {
    index.clear();
    position.clear();
    byte_of.clear();
    code_points = 0;
  }
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
