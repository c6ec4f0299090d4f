#include "detect/normalizer.h"

#include <optional>

#include "core/utf8.h"

namespace aisafe::detect {
namespace {

struct CodePoint {
  char32_t cp;
  std::uint32_t start;
  std::uint32_t len;
};

// Below U+00AD nothing is invisible: callers test this first, so the common code point costs
// a comparison, not a call returning an optional through memory.
constexpr char32_t kFirstInvisible = 0x00AD;

std::optional<InvisibleKind> invisibleKind(char32_t cp) {
  switch (cp) {
    case 0x00AD:
    case 0x034F:
    case 0x115F:
    case 0x1160:
    case 0x17B4:
    case 0x17B5:
    case 0x180E:
    case 0x200B:
    case 0x200C:
    case 0x200D:
    case 0x2060:
    case 0x2061:
    case 0x2062:
    case 0x2063:
    case 0x2064:
    case 0x3164:
    case 0xFEFF:
    case 0xFFA0:
      return InvisibleKind::kZeroWidth;
    case 0x200E:
    case 0x200F:
    case 0x061C:
      return InvisibleKind::kBidiControl;
    default:
      break;
  }
  if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
    return InvisibleKind::kBidiControl;
  }
  if (cp >= 0xE0000 && cp <= 0xE007F) {
    return InvisibleKind::kTag;
  }
  if (cp >= 0xE0100 && cp <= 0xE01EF) {
    return InvisibleKind::kVariationSelector;
  }
  return std::nullopt;
}

// Compatibility forms that are simply another drawing of an ASCII character.
char32_t foldCompatibility(char32_t cp) {
  if (cp < 0xA0) {
    return cp;
  }
  if (cp >= 0xFF01 && cp <= 0xFF5E) {
    return cp - 0xFEE0;  // full-width ASCII
  }
  if (cp == 0x3000 || cp == 0x00A0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
      cp == 0x205F) {
    return U' ';
  }
  if (cp >= 0x1D400 && cp <= 0x1D6A3) {  // mathematical alphanumerics: 13 alphabets of A-Z a-z
    const unsigned k = (cp - 0x1D400) % 52;
    return k < 26 ? U'A' + k : U'a' + (k - 26);
  }
  if (cp >= 0x1D7CE && cp <= 0x1D7FF) {
    return U'0' + (cp - 0x1D7CE) % 10;  // mathematical digits
  }
  if (cp >= 0x24B6 && cp <= 0x24CF) {
    return U'A' + (cp - 0x24B6);  // circled capitals
  }
  if (cp >= 0x24D0 && cp <= 0x24E9) {
    return U'a' + (cp - 0x24D0);  // circled small
  }
  if (cp >= 0x1F130 && cp <= 0x1F149) {
    return U'A' + (cp - 0x1F130);  // squared capitals
  }
  if (cp >= 0x1F150 && cp <= 0x1F169) {
    return U'A' + (cp - 0x1F150);  // negative circled
  }
  if (cp >= 0x1F170 && cp <= 0x1F189) {
    return U'A' + (cp - 0x1F170);  // negative squared
  }
  // The two letters that case-insensitive Unicode matching equates with ASCII ones: patterns
  // read as bytes (readsCodePoints) see them as the letters they stand for.
  if (cp == 0x212A) {
    return U'K';  // KELVIN SIGN
  }
  if (cp == 0x017F) {
    return U's';  // LATIN SMALL LETTER LONG S
  }
  if (cp == 0x2018 || cp == 0x2019 || cp == 0x2032) {
    return U'\'';
  }
  if (cp == 0x201C || cp == 0x201D || cp == 0x2033) {
    return U'"';
  }
  if (cp >= 0x2010 && cp <= 0x2015) {
    return U'-';
  }
  return cp;
}

// Cyrillic and Greek letters drawn like a Latin letter; 0 when none.
char32_t latinLookAlike(char32_t cp) {
  switch (cp) {
    // Cyrillic small
    case 0x0430:
      return U'a';
    case 0x0435:
      return U'e';
    case 0x043E:
      return U'o';
    case 0x0440:
      return U'p';
    case 0x0441:
      return U'c';
    case 0x0443:
      return U'y';
    case 0x0445:
      return U'x';
    case 0x0455:
      return U's';
    case 0x0456:
      return U'i';
    case 0x0458:
      return U'j';
    case 0x04BB:
      return U'h';
    case 0x0501:
      return U'd';
    case 0x051B:
      return U'q';
    case 0x051D:
      return U'w';
    case 0x0432:
      return U'b';
    case 0x043A:
      return U'k';
    case 0x043C:
      return U'm';
    case 0x043D:
      return U'h';
    case 0x0442:
      return U't';
    // Cyrillic capital
    case 0x0410:
      return U'A';
    case 0x0412:
      return U'B';
    case 0x0415:
      return U'E';
    case 0x041A:
      return U'K';
    case 0x041C:
      return U'M';
    case 0x041D:
      return U'H';
    case 0x041E:
      return U'O';
    case 0x0420:
      return U'P';
    case 0x0421:
      return U'C';
    case 0x0422:
      return U'T';
    case 0x0425:
      return U'X';
    case 0x0405:
      return U'S';
    case 0x0406:
      return U'I';
    case 0x0408:
      return U'J';
    case 0x0423:
      return U'Y';
    // Greek small
    case 0x03B1:
      return U'a';
    case 0x03BF:
      return U'o';
    case 0x03BD:
      return U'v';
    case 0x03B9:
      return U'i';
    case 0x03BA:
      return U'k';
    case 0x03C1:
      return U'p';
    case 0x03C5:
      return U'u';
    case 0x03C7:
      return U'x';
    case 0x03B5:
      return U'e';
    case 0x03C4:
      return U't';
    // Greek capital
    case 0x0391:
      return U'A';
    case 0x0392:
      return U'B';
    case 0x0395:
      return U'E';
    case 0x0396:
      return U'Z';
    case 0x0397:
      return U'H';
    case 0x0399:
      return U'I';
    case 0x039A:
      return U'K';
    case 0x039C:
      return U'M';
    case 0x039D:
      return U'N';
    case 0x039F:
      return U'O';
    case 0x03A1:
      return U'P';
    case 0x03A4:
      return U'T';
    case 0x03A5:
      return U'Y';
    case 0x03A7:
      return U'X';
    default:
      return 0;
  }
}

bool isAsciiLetter(char32_t cp) { return (cp | 0x20) >= U'a' && (cp | 0x20) <= U'z'; }

// A letter for word-splitting purposes: ASCII, Latin-1/Latin Extended, Greek, Cyrillic.
bool isWordLetter(char32_t cp) {
  return isAsciiLetter(cp) || (cp >= 0x00C0 && cp <= 0x024F && cp != 0x00D7 && cp != 0x00F7) ||
         (cp >= 0x0370 && cp <= 0x03FF) || (cp >= 0x0400 && cp <= 0x052F);
}

void foldWord(std::vector<CodePoint>& cps, std::size_t begin, std::size_t end) {
  for (std::size_t k = begin; k < end; ++k) {
    if (char32_t l = latinLookAlike(cps[k].cp)) {
      cps[k].cp = l;
    }
  }
}

// White space as the rules' \\s sees it; exotic spaces are folded to ' ' before this is asked.
bool isAsciiSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

std::pair<std::size_t, std::size_t> NormalizedText::toOriginal(std::size_t start,
                                                               std::size_t end) const {
  if (unchanged_) {
    return {start, end};
  }
  return {orig_start_[start], orig_end_[end - 1]};
}

void normalize(std::string_view original, NormalizedText& out) {
  out.invisible_.clear();
  out.folded_words_ = 0;
  out.mixed_words_ = 0;
  if (utf8::asciiPrefix(original) == original.size()) {
    // Nothing to fold or remove: scan the caller's bytes as they are.
    out.text_ = original;
    out.unchanged_ = true;
    return;
  }

  std::vector<CodePoint> cps;
  cps.reserve(original.size());
  for (std::size_t i = 0; i < original.size();) {
    std::size_t len = 1;
    const auto byte = static_cast<unsigned char>(original[i]);
    const char32_t cp = byte < 0x80 ? char32_t{byte} : utf8::decode(original, i, len);
    cps.push_back({cp, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(len)});
    i += len;
  }

  // Pass 1: remove invisibles, fold compatibility forms.
  std::vector<CodePoint> kept;
  kept.reserve(cps.size());
  for (std::size_t k = 0; k < cps.size(); ++k) {
    const CodePoint& c = cps[k];
    if (c.cp < 0xA0) {  // below the first invisible and the first compatibility form
      kept.push_back(c);
      continue;
    }
    if (auto kind = invisibleKind(c.cp)) {
      const bool letter_before = !kept.empty() && isWordLetter(kept.back().cp);
      bool letter_after = false;
      for (std::size_t j = k + 1; j < cps.size(); ++j) {
        if (cps[j].cp >= kFirstInvisible && invisibleKind(cps[j].cp)) {
          continue;
        }
        letter_after = isWordLetter(foldCompatibility(cps[j].cp));
        break;
      }
      out.invisible_.push_back({c.start, c.start + c.len, *kind, letter_before && letter_after});
      continue;
    }
    kept.push_back({foldCompatibility(c.cp), c.start, c.len});
  }

  // Pass 2: fold look-alikes in words that mix Latin with Cyrillic/Greek look-alikes, and in
  // words made only of look-alikes among Latin words.
  // Words made only of look-alikes ("ѕуѕтем") may be real Cyrillic or Greek words: the nearest
  // words on each side that are not themselves look-alikes only decide. They are folded when
  // those are Latin ("reveal your ѕуѕтем prompt"); in Russian or Greek text the neighbours are
  // Cyrillic or Greek, so "сорок" in a Russian sentence stays; a text of look-alike words alone
  // is left as written. Such words wait in `pending` until the next decided word is seen.
  enum class Script { kNone, kLatin, kOther };
  struct Pending {
    std::size_t begin, end;
    Script before;
  };
  std::vector<Pending> pending;  // allocates only when a look-alike-only word occurs
  Script last = Script::kNone;
  const auto settle = [&](Script after) {
    for (const Pending& p : pending) {
      const bool latin_side = p.before == Script::kLatin || after == Script::kLatin;
      const bool other_side = p.before == Script::kOther || after == Script::kOther;
      if (latin_side && !other_side) {
        foldWord(kept, p.begin, p.end);
        ++out.folded_words_;
      }
    }
    pending.clear();
  };
  for (std::size_t w = 0; w < kept.size();) {
    if (!isWordLetter(kept[w].cp)) {
      ++w;
      continue;
    }
    std::size_t e = w;
    bool has_latin = false, has_look_alike = false, has_other_foreign = false;
    while (e < kept.size() && isWordLetter(kept[e].cp)) {
      const char32_t cp = kept[e].cp;
      if (isAsciiLetter(cp)) {
        has_latin = true;
      } else if (latinLookAlike(cp) != 0) {
        has_look_alike = true;
      } else if (cp >= 0x0370) {
        has_other_foreign = true;
      }
      ++e;
    }
    if (has_look_alike && !has_latin && !has_other_foreign) {
      pending.push_back({w, e, last});
    } else {
      // A word with both Latin letters and look-alikes is disguised Latin: fold it.
      if (has_latin && has_look_alike && !has_other_foreign) {
        foldWord(kept, w, e);
        ++out.folded_words_;
        ++out.mixed_words_;
      }
      last = has_other_foreign ? Script::kOther : Script::kLatin;
      if (!pending.empty()) {
        settle(last);
      }
    }
    w = e;
  }
  settle(Script::kNone);

  out.buffer_.clear();
  out.orig_start_.clear();
  out.orig_end_.clear();
  out.buffer_.reserve(original.size());
  for (std::size_t k = 0; k < kept.size(); ++k) {
    const CodePoint& c = kept[k];
    if (isAsciiSpace(c.cp)) {
      std::size_t run_end = k + 1;
      while (run_end < kept.size() && isAsciiSpace(kept[run_end].cp)) {
        ++run_end;
      }
      if (run_end - k > kMaxWhitespaceRun) {  // one space standing for the whole run
        out.buffer_.push_back(' ');
        out.orig_start_.push_back(c.start);
        out.orig_end_.push_back(kept[run_end - 1].start + kept[run_end - 1].len);
        k = run_end - 1;
        continue;
      }
    }
    const std::size_t before = out.buffer_.size();
    if (c.cp < 0x80) {
      out.buffer_.push_back(static_cast<char>(c.cp));
    } else {
      utf8::append(out.buffer_, c.cp);
    }
    for (std::size_t b = before; b < out.buffer_.size(); ++b) {
      out.orig_start_.push_back(c.start);
      out.orig_end_.push_back(c.start + c.len);
    }
  }
  out.text_ = out.buffer_;
  out.unchanged_ = false;
}

}  // namespace aisafe::detect
