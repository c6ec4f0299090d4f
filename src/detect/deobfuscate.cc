#include "detect/deobfuscate.h"

#include <algorithm>

#include "detect/normalizer.h"

namespace aisafe::detect {
namespace {

// White space as the rules' \\s sees it: a long run of any of it is folded (gap() below).
bool isSpace(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}
bool isLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isSeparator(char c) { return c == '-' || c == '_' || c == '.' || c == '*'; }

// The letter a leetspeak character stands for; 0 when none.
char leetLetter(char c) {
  switch (c) {
    case '0':
      return 'o';
    case '1':
      return 'i';  // also "l", but "i" is what "1gn0r3" and "1nstruct10ns" need
    case '3':
      return 'e';
    case '4':
    case '@':
      return 'a';
    case '5':
    case '$':
      return 's';
    case '7':
      return 't';
    default:
      return 0;
  }
}

struct Chunk {
  std::size_t start;
  std::size_t end;
  bool leet;  // read leetspeak characters as letters
};

class Builder {
 public:
  Builder(std::string_view text, DeobfuscatedView& out) : text_(text), out_(out) {}

  void copy(std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      put(text_[i], i, false);
    }
  }

  // The white space between two chunks; a run too long for the rules' gaps is one space, and
  // a strong change (it anchors a scanned window).
  void gap(std::size_t from, std::size_t to) {
    if (to - from <= kMaxWhitespaceRun) {
      copy(from, to);
      return;
    }
    const std::size_t at = out_.text.size();
    put(' ', from, false);
    markChanged(at, at + 1);
  }

  // One chunk: leetspeak read as letters, separators between letters dropped or made spaces.
  // `glued`: part of a run of single characters joined together, so changed in any case.
  // Only strong changes are recorded in `changed` (they anchor the scanned windows): a glued
  // run, two separators undone, two leetspeak digits. A lone "Q3" or "e.g." changes the view
  // but is no sign of an attack, and an attack's weak changes ("4ll") lie near its strong ones.
  void chunk(const Chunk& c, bool glued) {
    const std::size_t from = out_.text.size();
    const Changes changes = emit(c);
    const std::size_t to = out_.text.size();
    if (glued || changes.separators >= 2 || changes.leet >= 2) {
      markChanged(from, to);
    }
  }

 private:
  void markChanged(std::size_t from, std::size_t to) {
    auto& changed = out_.changed;
    if (!changed.empty() && changed.back().second >= from) {
      changed.back().second = to;
    } else {
      changed.emplace_back(from, to);
    }
  }

  struct Changes {
    std::size_t separators = 0;  // punctuation between letters dropped or made a space
    std::size_t leet = 0;        // digits read as letters
  };

  Changes emit(const Chunk& c) {
    Changes changes;
    const auto word = [&](std::size_t i) {
      return i >= c.start && i < c.end && (isLetter(text_[i]) || (c.leet && leetLetter(text_[i])));
    };
    const auto between = [&](std::size_t i) {
      return isSeparator(text_[i]) && i > c.start && word(i - 1) && word(i + 1);
    };
    std::size_t letters = 0, pieces = 1;
    for (std::size_t i = c.start; i < c.end; ++i) {
      if (word(i)) {
        ++letters;
      }
      if (between(i)) {
        ++pieces;
      }
    }
    const bool join = letters <= kMaxSyllableLetters * pieces;
    for (std::size_t i = c.start; i < c.end; ++i) {
      const char ch = text_[i];
      if (between(i)) {
        if (!join) {
          put(' ', i, false);
        }
        ++changes.separators;
      } else if (c.leet && !isLetter(ch) && leetLetter(ch) != 0) {
        put(leetLetter(ch), i, true);
        ++changes.leet;
      } else {
        put(ch, i, false);
      }
    }
    return changes;
  }

  void put(char c, std::size_t origin, bool leet) {
    out_.text.push_back(c);
    out_.origin.push_back(static_cast<std::uint32_t>(origin));
    out_.leet.push_back(leet ? 1 : 0);
  }

  std::string_view text_;
  DeobfuscatedView& out_;
};

bool hasLetter(std::string_view s) {
  for (char c : s) {
    if (isLetter(c)) {
      return true;
    }
  }
  return false;
}

// URLs, paths and email addresses: "a/b", "x://", "name@host.tld".
bool urlLike(std::string_view chunk) {
  const std::size_t at = chunk.find('@');
  return chunk.find('/') != std::string_view::npos || chunk.find("://") != std::string_view::npos ||
         (at != std::string_view::npos && chunk.find('.', at) != std::string_view::npos);
}

// A chunk of one letter or leetspeak character: a piece of "i g n o r e".
bool single(std::string_view text, const Chunk& c) {
  return c.end - c.start == 1 && (isLetter(text[c.start]) || leetLetter(text[c.start]) != 0);
}

}  // namespace

bool DeobfuscatedView::hasLeet(std::size_t start, std::size_t end) const {
  for (std::size_t i = start; i < end && i < leet.size(); ++i) {
    if (leet[i] != 0) {
      return true;
    }
  }
  return false;
}

std::vector<std::pair<std::size_t, std::size_t>> DeobfuscatedView::windows(
    std::size_t context) const {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  const auto boundary = [&](std::size_t i) {
    return i >= text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  };
  for (const auto& [start, end] : changed) {
    std::size_t a = start > context ? start - context : 0;
    std::size_t b = std::min(text.size(), end + context);
    while (a > 0 && !boundary(a)) {
      --a;
    }
    while (!boundary(b)) {
      ++b;
    }
    if (!out.empty() && out.back().second >= a) {
      out.back().second = std::max(out.back().second, b);
    } else {
      out.emplace_back(a, b);
    }
  }
  return out;
}

bool deobfuscate(std::string_view text, DeobfuscatedView& out) {
  out.changed.clear();
  out.text.clear();
  out.origin.clear();
  out.leet.clear();
  out.text.reserve(text.size());
  out.origin.reserve(text.size());
  out.leet.reserve(text.size());

  std::vector<Chunk> chunks;
  for (std::size_t i = 0; i < text.size();) {
    if (isSpace(text[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < text.size() && !isSpace(text[i])) {
      ++i;
    }
    chunks.push_back({start, i, hasLetter(text.substr(start, i - start))});
  }

  // Runs of single characters one space apart are joined; a run holding a letter reads its
  // digits as leetspeak ("1 g n 0 r 3").
  std::vector<std::uint8_t> glue(chunks.size(), 0);  // 1: drop the space after this chunk
  for (std::size_t k = 0; k < chunks.size();) {
    std::size_t e = k;
    while (e + 1 < chunks.size() && single(text, chunks[e]) && single(text, chunks[e + 1]) &&
           chunks[e + 1].start == chunks[e].end + 1 && text[chunks[e].end] == ' ') {
      ++e;
    }
    if (e - k + 1 >= kMinSpacedRun) {
      bool letter = false;
      for (std::size_t j = k; j <= e; ++j) {
        letter = letter || chunks[j].leet;
      }
      for (std::size_t j = k; j <= e; ++j) {
        chunks[j].leet = letter;
        if (j < e) {
          glue[j] = 1;
        }
      }
    }
    k = e + 1;
  }

  Builder b(text, out);
  std::size_t pos = 0;
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    const bool glued = k > 0 && glue[k - 1] != 0;
    if (!glued) {
      b.gap(pos, chunks[k].start);
    }
    if (urlLike(text.substr(chunks[k].start, chunks[k].end - chunks[k].start))) {
      b.copy(chunks[k].start, chunks[k].end);  // dots and @ are its syntax, not a disguise
    } else {
      b.chunk(chunks[k], glued || glue[k] != 0);
    }
    pos = chunks[k].end;
  }
  b.gap(pos, text.size());
  return out.text != text;
}

}  // namespace aisafe::detect
