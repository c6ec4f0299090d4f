// System prompt echo: does a model's answer repeat a long run of the system prompt the caller
// gave? A leak that needs no canary — the answer quotes the prompt itself.
//
// Both texts are cut into words: runs of ASCII letters and digits (lower-cased) and of other
// non-punctuation characters; each CJK ideograph, kana or Hangul syllable is a word of its own,
// because those scripts do not separate words with spaces. Whitespace and punctuation (ASCII,
// Latin-1, general and CJK punctuation, full-width forms) only separate words, so a model that
// re-wraps lines, changes case or swaps quotes still matches. A run of at least kMinWords
// consecutive words of the prompt found in the answer is a leak. Shorter shared phrases ("you
// are a helpful assistant") are not: eight words in the same order rarely repeat by chance.
//
// Linear time: every window of kMinWords words of the prompt is hashed into a table, every
// window of the answer is looked up and confirmed word by word (so a hash collision cannot
// report a leak). Texts are cut after kMaxWords words, which bounds time and memory for any
// input; the request body limit keeps real inputs well below it.
//
// Pure function, no shared state: call from any thread.
#pragma once

#include <cstddef>
#include <string_view>

#include "detect/finding.h"

namespace aisafe::detectors::canary {

// Eight words is a long sentence fragment: long enough that an answer sharing it with the prompt
// almost always quotes it, short enough to catch a leaked rule or persona line.
inline constexpr std::size_t kMinWords = 8;
// Words read from each text. A 1 MiB body of one-letter words has 512 Ki words; real system
// prompts and answers have a few thousand.
inline constexpr std::size_t kMaxWords = std::size_t{1} << 18;
// Findings per response: each is one maximal repeated run.
inline constexpr std::size_t kMaxEchoFindings = 16;

// Appends a finding (detector "system_prompt_echo", category "system_prompt_leak", type
// "verbatim", high) for each maximal run of `response` that repeats `system_prompt` as described
// above. Spans are byte offsets into `response`, on code point boundaries when it is valid
// UTF-8. Invalid UTF-8 never crashes: a stray byte counts as a word character. Appends nothing
// when either text is shorter than kMinWords words.
void findSystemPromptEcho(std::string_view response, std::string_view system_prompt,
                          detect::Findings& out);

}  // namespace aisafe::detectors::canary
