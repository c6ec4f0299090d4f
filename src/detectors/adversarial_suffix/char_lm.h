// A character n-gram language model of ordinary text, the perplexity baseline of Jain et al.
// 2023 and Alon & Kamfonas 2023: optimized suffixes (GCG, DSN) are token salad whose characters
// an n-gram model of honest writing finds very improbable. It is small and deliberately crude:
// it only has to tell "reads like some human language" from "reads like nothing".
//
// Symbols: ASCII lower-cased, digits as '0', a run of white space as one ' ', and every non-ASCII
// code point as one symbol (0x80), so the model stays small and is only trusted on ASCII text.
// Counts of the 1- to 5-grams are hashed into 2^21 buckets, one byte each (a log-scaled count);
// 3- to 5-grams seen once are dropped, which keeps collisions rare. Probabilities interpolate
// from order 1 up: P_n = (c(g) + K P_{n-1}) / (c(h) + K).
//
// Training is a pure function of the texts (their order does not matter): the same texts give
// the same bytes. A model is immutable after construction; scoring is thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace aisafe::detectors::suffix {

inline constexpr int kOrder = 5;
inline constexpr std::uint32_t kBucketsLog2 = 21;  // 2 MiB: ~400k kept n-grams, few collisions
inline constexpr unsigned char kNonAscii = 0x80;   // every non-ASCII code point
inline constexpr unsigned char kPad = 0x02;        // context before the first symbol

// Appends the symbols of `text` to `out` and, when `offsets` is not null, the byte offset in
// `text` where each symbol starts. Any bytes: an invalid UTF-8 byte is one non-ASCII symbol.
void foldSymbols(std::string_view text, std::string& out, std::vector<std::uint32_t>* offsets);

class CharLm {
 public:
  // Counts every text's symbols (foldSymbols). Texts are not kept.
  static CharLm train(const std::vector<std::string_view>& texts);

  // The file form: "AISAFESL", version, bucket bits, total symbols, the table, and a SHA-256 of
  // all of it. load() refuses a truncated, damaged or foreign file with the reason.
  std::string serialize() const;
  static Result<CharLm> load(std::string_view bytes);

  // Writes the surprise of each symbol of `symbols` (-log2 P, in bits) into `bits`, the model
  // reading from the start of `symbols` (padded context). `bits` is resized.
  void surprise(std::string_view symbols, std::vector<float>& bits) const;

  std::uint64_t totalSymbols() const { return total_; }

 private:
  std::uint64_t total_ = 0;
  std::vector<std::uint8_t> table_;   // log-scaled counts, 2^kBucketsLog2
  std::array<float, 256> decoded_{};  // log-scaled count -> count
  void buildDecoder();
  float count(std::uint64_t key) const;
};

}  // namespace aisafe::detectors::suffix
