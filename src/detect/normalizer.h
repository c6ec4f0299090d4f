// Normalization before scanning, so that one set of patterns sees through cheap disguises:
//  - compatibility folding of full-width forms, mathematical alphanumerics, circled letters and
//    exotic spaces to their ASCII counterparts (and the Kelvin sign and long s to K and s);
//  - Cyrillic/Greek look-alike letters folded to Latin inside words that also contain Latin
//    letters, and in words made only of look-alikes whose neighbouring words are Latin
//    ("your ѕуѕтем prompt"); Cyrillic or Greek words among Cyrillic or Greek words are left
//    alone, so Russian and Greek rules still match;
//  - removal of zero-width, bidi-control, Unicode tag and other invisible characters, whose
//    spans are reported because their presence is itself evidence of smuggling.
//  - a run of more than kMaxWhitespaceRun white-space characters (after folding exotic spaces)
//    becomes one space: attack rules bound the gaps between their words, and padding must not
//    carry a phrase past them. Plain ASCII text is not rewritten; the survey sends its long runs
//    to the de-obfuscated view, which folds them the same way.
// Case is not folded here: patterns match case-insensitively in the matcher (HS_FLAG_CASELESS),
// so detectors for case-sensitive things (API keys) see the text's real case.
// Every byte of the normalized text maps back to the original code point it came from.
// The Normalizer is stateless; a NormalizedText is per request and reused to avoid allocations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aisafe::detect {

// The longest run of white space the attack rules span between two words ("\\s{1,16}").
constexpr std::size_t kMaxWhitespaceRun = 16;

// Kinds of invisible characters, in order of how strongly they suggest smuggling.
enum class InvisibleKind {
  kZeroWidth,         // U+200B..U+200D, U+2060, U+FEFF, U+180E, soft hyphen, ...
  kBidiControl,       // U+202A..U+202E, U+2066..U+2069, U+200E/U+200F
  kTag,               // U+E0000..U+E007F: can spell out a whole hidden ASCII message
  kVariationSelector  // U+E0100..U+E01EF: used to hide bytes after an emoji
};

struct InvisibleSpan {
  std::size_t start;  // original byte offsets
  std::size_t end;
  InvisibleKind kind;
  bool splits_word;  // between two letters: "ig\u200Bnore"
};

class NormalizedText {
 public:
  // The text patterns are matched against; valid UTF-8 when the input was.
  std::string_view text() const { return text_; }
  // Original byte span of normalized bytes [start, end). Requires start < end <= text().size().
  std::pair<std::size_t, std::size_t> toOriginal(std::size_t start, std::size_t end) const;
  const std::vector<InvisibleSpan>& invisible() const { return invisible_; }
  // True when the normalized text is the original unchanged (fast path for plain ASCII).
  bool unchanged() const { return unchanged_; }
  // Number of words whose look-alike letters were folded to Latin (mixed or look-alike only).
  std::size_t foldedMixedScriptWords() const { return folded_words_; }
  // Of those, the words that mix Latin letters with look-alikes in one word ("hоw" with a
  // Cyrillic 'о'): a disguise, where a word of look-alikes alone may be real Greek or Cyrillic
  // beside Latin names.
  std::size_t mixedScriptWords() const { return mixed_words_; }

 private:
  friend void normalize(std::string_view original, NormalizedText& out);
  std::string_view text_;
  std::string buffer_;
  std::vector<std::uint32_t> orig_start_;  // per normalized byte
  std::vector<std::uint32_t> orig_end_;
  std::vector<InvisibleSpan> invisible_;
  bool unchanged_ = true;
  std::size_t folded_words_ = 0;
  std::size_t mixed_words_ = 0;
};

// Normalizes `original` (must be valid UTF-8 and outlive `out`) into `out`.
void normalize(std::string_view original, NormalizedText& out);

}  // namespace aisafe::detect
