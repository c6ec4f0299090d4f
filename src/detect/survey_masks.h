// The survey (survey.h) reads a text 64 bytes at a time: one bit per byte for each class of
// character it cares about, computed for the whole block at once, so that its rules become
// shifts and ANDs of these masks and only the rare interesting positions are visited one by one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace aisafe::detect {

inline constexpr std::size_t kSurveyBlock = 64;

// Bit i of each mask is about byte i of the block.
struct BlockMasks {
  std::uint64_t letter = 0;       // A-Z a-z
  std::uint64_t digit = 0;        // 0-9
  std::uint64_t hex = 0;          // 0-9 A-F a-f
  std::uint64_t base64 = 0;       // either alphabet: A-Z a-z 0-9 + / - _
  std::uint64_t space = 0;        // white space as the rules' \s sees it: ' ' \t \n \v \f \r
  std::uint64_t token_break = 0;  // what separates tokens: ' ' \t \n \r
  std::uint64_t blank = 0;        // ' '
  std::uint64_t leet = 0;         // what leetspeak draws letters with: 0 1 3 4 5 7 @ $
  std::uint64_t word_sep = 0;     // punctuation that splits a word: - _ .
  std::uint64_t url = 0;          // / : @ (paths, URLs and emails split on dots legally)
  std::uint64_t percent = 0;      // %
  std::uint64_t x = 0;            // x X, as in \x69 and 0x69
  std::uint64_t escape = 0;       // \ 0, what comes before that x
};

// The masks of bytes[0, 64), by the fastest of blockClassifiers().
BlockMasks classifyBlock(const unsigned char* bytes);

// One byte at a time: what every build can run, and what the tests hold the others to.
BlockMasks classifyBlockBytewise(const unsigned char* bytes);

struct BlockClassifier {
  using Function = BlockMasks (*)(const unsigned char* bytes);
  const char* name;
  Function classify;
};

// Every way this build and processor can classify a block: bytewise first, then SSE2 and
// AVX-512BW where they run, the fastest last.
std::vector<BlockClassifier> blockClassifiers();

}  // namespace aisafe::detect
