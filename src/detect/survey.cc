#include "detect/survey.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

#include "detect/normalizer.h"
#include "detect/survey_markers.h"
#include "detect/survey_masks.h"

// The survey runs on every text, so it reads 64 bytes at a time (survey_masks.h): each of its
// rules is a few shifts and ANDs of the block's masks, and only the positions that can matter
// (ends of words, runs long enough, hex digit pairs) are visited one by one. Byte for byte it
// says what tests/unit/detect/bytewise_survey.h says one byte at a time, at twice the cost.
namespace aisafe::detect {
namespace {

using Mask = std::uint64_t;
constexpr Mask kTopBit = Mask{1} << 63;

// Bit i of the result is bit i - k of the text (k in [1, 63]): the byte k places before, the
// first k of them from the previous block.
constexpr Mask before(Mask cur, Mask prev, unsigned k) { return (cur << k) | (prev >> (64 - k)); }
// Bit i of the result is bit i + k of the text: the byte k places after.
constexpr Mask after(Mask cur, Mask next, unsigned k) { return (cur >> k) | (next << (64 - k)); }

// How many bits `m` has, counted up to two: every count the survey keeps is compared with two,
// and a full population count is a library call on x86-64 without POPCNT.
constexpr std::size_t upToTwo(Mask m) {
  return std::size_t{m != 0} + std::size_t{(m & (m - 1)) != 0};
}

constexpr Mask bitsFrom(unsigned first) { return first >= 64 ? 0 : ~Mask{0} << first; }
constexpr Mask bitsBelow(unsigned end) { return end >= 64 ? ~Mask{0} : (Mask{1} << end) - 1; }

// Bit i set where byte i ends `length` (1 to 64) set bits in a row, some of them perhaps in
// the previous block. Doubling: after each step, a bit says "this many in a row end here".
constexpr Mask runsOf(Mask cur, Mask prev, unsigned length) {
  for (unsigned covered = 1; covered < length;) {
    const unsigned shift = covered < length - covered ? covered : length - covered;
    cur &= before(cur, prev, shift);
    prev &= prev << shift;
    covered += shift;
  }
  return cur;
}

bool isBase64Byte(unsigned char c) {
  const unsigned char lower = c | 0x20;
  return (lower >= 'a' && lower <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
         c == '-' || c == '_';
}

class Surveyor {
 public:
  Surveyor(std::string_view text, const MarkerCounts* counted)
      : bytes_(reinterpret_cast<const unsigned char*>(text.data())),
        n_(text.size()),
        counted_(counted) {}

  Survey run() {
    // Two loops, one with the word lookups and one without, so that neither pays for the
    // other's choice inside the loop (a branch there cost the lookups a quarter of their speed).
    if (counted_ != nullptr) {
      blocks<false>();
      rot_markers_ = counted_->rot13_words;
      rev_markers_ = counted_->reversed_words;
      s_.rot13 = s_.rot13 || counted_->rot13_hint;
      s_.reversed = s_.reversed || counted_->reversed_hint;
    } else {
      blocks<true>();
    }
    if (url_escapes_ >= kMinUrlEscapes) {
      s_.encoded = true;
    }
    if (rot_markers_ >= kMinMarkerWords) {
      s_.rot13 = true;
    }
    if (rev_markers_ >= kMinMarkerWords) {
      s_.reversed = true;
    }
    if (leet_words_ >= kMinLeetWords) {
      s_.obfuscated = true;
    }
    return s_;
  }

 private:
  unsigned char at(std::size_t i) const { return bytes_[i]; }

  // Past the end of the text a block reads as zero bytes, which belong to no class; the end
  // itself ends the last token.
  BlockMasks load(std::size_t b) const {
    const std::size_t offset = b * kSurveyBlock;
    if (offset + kSurveyBlock <= n_) {
      return classifyBlock(bytes_ + offset);
    }
    unsigned char tail[kSurveyBlock] = {};
    if (n_ > offset) {
      std::memcpy(tail, bytes_ + offset, n_ - offset);
    }
    BlockMasks m = classifyBlock(tail);
    m.token_break |= Mask{1} << (n_ - offset);
    return m;
  }

  template <bool kLookUpWords>
  void blocks() {
    const std::size_t blocks = n_ / kSurveyBlock + 1;  // the last one holds position n_
    BlockMasks prev;
    prev.token_break = kTopBit;  // the text begins as if after a break
    BlockMasks cur = load(0);
    for (std::size_t b = 0; b < blocks; ++b) {
      const BlockMasks next = b + 1 < blocks ? load(b + 1) : BlockMasks{};
      block<kLookUpWords>(b * kSurveyBlock, cur, prev, next);
      prev = cur;
      cur = next;
    }
  }

  template <bool kLookUpWords>
  void block(std::size_t offset, const BlockMasks& cur, const BlockMasks& prev,
             const BlockMasks& next) {
    const Mask letter_before = before(cur.letter, prev.letter, 1);
    const Mask letter_after = after(cur.letter, next.letter, 1);
    if (runsOf(cur.space, prev.space, kMaxWhitespaceRun + 1) != 0) {
      s_.obfuscated = true;
    }
    static_assert(kMinUrlEscapes <= 2, "escapes are counted up to two per block");
    if (!s_.encoded) {
      encodedRuns(offset, cur, prev);
      hexPairs(offset, cur, prev, next);
      url_escapes_ +=
          upToTwo(cur.percent & after(cur.hex, next.hex, 1) & after(cur.hex, next.hex, 2));
    }
    if constexpr (kLookUpWords) {
      words(offset, cur, letter_before, letter_after);
    }
    spacedLetters(cur, prev, next);
    tokens(cur, letter_before, letter_after);
  }

  // A base64/hex-alphabet run of kMinEncodedRun or more; real base64 of text mixes cases and
  // digits, so a long all-lowercase run (a long word, a hyphenated phrase) does not count.
  void encodedRuns(std::size_t offset, const BlockMasks& cur, const BlockMasks& prev) {
    for (Mask long_enough = runsOf(cur.base64, prev.base64, kMinEncodedRun); long_enough != 0;
         long_enough &= long_enough - 1) {
      const std::size_t reached = offset + static_cast<std::size_t>(std::countr_zero(long_enough));
      if (reached < checked_until_) {
        continue;  // a run already looked at whole
      }
      // The first bit of a run is where it reaches the length, so it began that far back.
      std::size_t end = reached + 1 - kMinEncodedRun;
      bool upper = false, lower = false, digit = false;
      for (; end < n_ && isBase64Byte(at(end)); ++end) {
        const unsigned char c = at(end);
        upper = upper || (c >= 'A' && c <= 'Z');
        lower = lower || (c >= 'a' && c <= 'z');
        digit = digit || (c >= '0' && c <= '9');
      }
      checked_until_ = end;
      if (int{upper} + int{lower} + int{digit} >= 2) {
        s_.encoded = true;
        return;
      }
    }
  }

  // Two hex digits standing alone, or after \x or 0x: one byte of hex written byte by byte.
  // Bytes one separator apart (or none, after a prefix) make a streak.
  void hexPairs(std::size_t offset, const BlockMasks& cur, const BlockMasks& prev,
                const BlockMasks& next) {
    const Mask alnum = cur.letter | cur.digit;
    const Mask pairs =
        cur.hex & after(cur.hex, next.hex, 1) & ~after(alnum, next.letter | next.digit, 2);
    if (pairs == 0) {
      return;
    }
    const Mask prefixed = before(cur.x, prev.x, 1) & before(cur.escape, prev.escape, 2);
    for (Mask found = pairs & (prefixed | ~before(alnum, prev.letter | prev.digit, 1)); found != 0;
         found &= found - 1) {
      const auto bit = static_cast<unsigned>(std::countr_zero(found));
      const std::size_t i = offset + bit;
      const std::size_t from = ((prefixed >> bit) & 1U) != 0 ? i - 2 : i;
      const bool next_pair =
          hex_streak_ > 0 && (from == hex_streak_end_ || from == hex_streak_end_ + 1);
      hex_streak_ = next_pair ? hex_streak_ + 1 : 1;
      hex_streak_end_ = i + 2;
      if (hex_streak_ >= kMinHexPairs) {
        s_.encoded = true;
      }
    }
  }

  // Words are runs of ASCII letters; each is looked up when its last letter is reached.
  void words(std::size_t offset, const BlockMasks& cur, Mask letter_before, Mask letter_after) {
    const Mask starts = cur.letter & ~letter_before;
    for (Mask lasts = cur.letter & ~letter_after; lasts != 0; lasts &= lasts - 1) {
      const auto last = static_cast<unsigned>(std::countr_zero(lasts));
      const Mask own_start = starts & bitsBelow(last + 1);
      const std::size_t start =
          own_start != 0 ? offset + 63 - static_cast<std::size_t>(std::countl_zero(own_start))
                         : word_start_;
      endWord(start, offset + last + 1);
    }
    if (starts != 0) {  // the block's last word may go on into the next one
      word_start_ = offset + 63 - static_cast<std::size_t>(std::countl_zero(starts));
    }
  }

  void endWord(std::size_t start, std::size_t end) {
    using namespace survey_markers;
    const std::size_t len = end - start;
    const bool plural = len == kMaxPackedWord + 1 && (at(end - 1) | 0x20) == 's';
    if (len < 3 || (len > kMaxPackedWord && !plural)) {
      return;
    }
    const std::size_t packed = plural ? kMaxPackedWord : len;
    if (!mayBeMarker(at(start), at(start + packed - 1))) {
      return;
    }
    const std::string_view word(reinterpret_cast<const char*>(bytes_) + start, packed);
    switch (lookup(pack(word))) {
      case Marker::kNone:
        break;
      case Marker::kRot13:
        ++rot_markers_;
        break;
      case Marker::kReversed:
        ++rev_markers_;
        break;
      case Marker::kRot13Hint:
        s_.rot13 = true;
        break;
      case Marker::kReversedHint:
        s_.reversed = true;
        break;
      case Marker::kRot: {  // "rot13", "rot-13", "rot 13"
        std::size_t k = end;
        if (k < n_ && (at(k) == '-' || at(k) == ' ' || at(k) == '_')) {
          ++k;
        }
        if (k + 1 < n_ && at(k) == '1' && at(k + 1) == '3') {
          s_.rot13 = true;
        }
        break;
      }
    }
  }

  // One letter (or leetspeak digit) after another, one space apart: "i g n o r e", "1 g n 0".
  // A link is such a single character with another two bytes back and a space between them.
  void spacedLetters(const BlockMasks& cur, const BlockMasks& prev, const BlockMasks& next) {
    const Mask single = (cur.letter | cur.leet) & before(cur.token_break, prev.token_break, 1) &
                        after(cur.token_break, next.token_break, 1);
    const Mask link = single & before(single, prev_single_, 2) & before(cur.blank, prev.blank, 1);
    static_assert(kMinSpacedLetters == 4, "three links in a row make four letters");
    if ((link & before(link, prev_link_, 2) & before(link, prev_link_, 4)) != 0) {
      s_.obfuscated = true;
    }
    prev_single_ = single;
    prev_link_ = link;
  }

  // Per token (what lies between token breaks): leetspeak words ("pr3v10u5": letters with two
  // or more leet characters) and words split by punctuation ("ig-no-re", "ignore.previous"),
  // unless the token looks like a path, URL or email. Only tokens holding a leet character or a
  // split are counted; the others cannot make a difference.
  void tokens(const BlockMasks& cur, Mask letter_before, Mask letter_after) {
    const Mask seps = cur.word_sep & letter_before & letter_after;
    const Mask marks = cur.leet | seps;
    const Mask breaks = cur.token_break;
    const auto add = [&](Mask span) {
      token_letters_ += upToTwo(cur.letter & span);
      token_leet_ += upToTwo(cur.leet & span);
      token_seps_ += upToTwo(seps & span);
      token_url_like_ = token_url_like_ || (cur.url & span) != 0;
    };
    if (breaks == 0) {
      add(~Mask{0});  // the whole block belongs to the open token
      return;
    }
    // The token left open by the previous block ends at the first break.
    const auto first = static_cast<unsigned>(std::countr_zero(breaks));
    if (token_leet_ != 0 || token_seps_ != 0 || (marks & bitsBelow(first)) != 0) {
      add(bitsBelow(first));
    }
    endToken();
    // Tokens that begin in this block and hold a mark, one at a time.
    for (Mask pending = marks & bitsFrom(first + 1); pending != 0;) {
      const auto mark = static_cast<unsigned>(std::countr_zero(pending));
      const auto begin = 64 - static_cast<unsigned>(std::countl_zero(breaks & bitsBelow(mark)));
      const Mask later_breaks = breaks & bitsFrom(mark);
      const unsigned end =
          later_breaks != 0 ? static_cast<unsigned>(std::countr_zero(later_breaks)) : 64;
      add(bitsFrom(begin) & bitsBelow(end));
      if (end == 64) {
        return;  // it goes on into the next block, counted so far
      }
      endToken();
      pending &= bitsFrom(end + 1);
    }
    // The token left open here holds no mark yet: only what a later one would need.
    const Mask open = bitsFrom(64 - static_cast<unsigned>(std::countl_zero(breaks)));
    token_letters_ = upToTwo(cur.letter & open);
    token_url_like_ = (cur.url & open) != 0;
  }

  void endToken() {
    // An address or a path with digits in it ("jane3@example.com", "/v2/items/42") is not
    // leetspeak: a pasted log would otherwise send every line to the de-obfuscated view.
    if (token_letters_ >= 2 && token_leet_ >= 2 && !token_url_like_) {
      ++leet_words_;
    }
    if (token_seps_ >= 2 && !token_url_like_) {
      s_.obfuscated = true;
    }
    token_letters_ = token_leet_ = token_seps_ = 0;
    token_url_like_ = false;
  }

  const unsigned char* bytes_;
  std::size_t n_;
  const MarkerCounts* counted_;  // null: look the words up here
  Survey s_;
  std::size_t checked_until_ = 0;  // encoded runs: everything before this was looked at
  std::size_t url_escapes_ = 0;
  std::size_t hex_streak_ = 0, hex_streak_end_ = 0;
  std::size_t rot_markers_ = 0, rev_markers_ = 0;
  std::size_t word_start_ = 0;  // of a word that began in an earlier block
  Mask prev_single_ = 0, prev_link_ = 0;
  std::size_t token_letters_ = 0, token_leet_ = 0, token_seps_ = 0, leet_words_ = 0;
  bool token_url_like_ = false;
};

// The kinds of markerRules(), in order.
enum MarkerKind : std::size_t {
  kRot13Word,
  kReversedWord,
  kRot13HintWord,
  kReversedHintWord,
  kRot13
};

std::string unpack(std::uint64_t key) {
  std::string word;
  for (; key != 0; key >>= 8) {
    word.insert(word.begin(), static_cast<char>(key & 0xFF));
  }
  return word;
}

}  // namespace

std::vector<PatternRule> markerRules() {
  using survey_markers::Marker;
  // A word is a run of letters: what comes before and after it is not a letter, or the edge of
  // the text (\z, not $, which also matches before a last line break and would count a word
  // twice). An eight-letter marker also stands for itself with an s (the survey reads
  // "backwards" as "backward").
  const auto words_of = [](Marker kind) {
    std::string alternatives;
    for (const survey_markers::MarkerWord& m : survey_markers::kMarkers) {
      if (m.marker != kind) {
        continue;
      }
      const std::string word = unpack(m.key);
      alternatives += (alternatives.empty() ? "" : "|") + word +
                      (word.size() == survey_markers::kMaxPackedWord ? "s?" : "");
    }
    return "(?:\\A|[^A-Za-z])(?:" + alternatives + ")(?:[^A-Za-z]|\\z)";
  };
  std::vector<PatternRule> rules(5);
  rules[kRot13Word].pattern = words_of(Marker::kRot13);
  rules[kReversedWord].pattern = words_of(Marker::kReversed);
  rules[kRot13HintWord].pattern = words_of(Marker::kRot13Hint);
  rules[kReversedHintWord].pattern = words_of(Marker::kReversedHint);
  rules[kRot13].pattern = "(?:\\A|[^A-Za-z])rot[-_ ]?13";  // Marker::kRot and its number
  const char* names[] = {"rot13_word", "reversed_word", "rot13_hint", "reversed_hint", "rot13"};
  for (std::size_t i = 0; i < rules.size(); ++i) {
    rules[i].id = std::string("survey.marker.") + names[i];
    rules[i].category = "survey";
    rules[i].caseless = true;
  }
  return rules;
}

void MarkerCounts::add(std::size_t kind) {
  switch (kind) {
    case kRot13Word:
      ++rot13_words;
      break;
    case kReversedWord:
      ++reversed_words;
      break;
    case kRot13HintWord:
    case kRot13:
      rot13_hint = true;
      break;
    case kReversedHintWord:
      reversed_hint = true;
      break;
    default:
      break;
  }
}

Survey surveyText(std::string_view text, const MarkerCounts* counted) {
  return Surveyor(text, counted).run();
}

}  // namespace aisafe::detect
