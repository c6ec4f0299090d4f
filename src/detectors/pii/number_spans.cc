#include "detectors/pii/number_spans.h"

#include "core/sse2_bytes.h"

namespace aisafe::detectors::pii {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// The first digit at or after `i`, or text.size(). Prose has few digits: skip 16 bytes a step.
std::size_t nextDigit(std::string_view text, std::size_t i) {
#if defined(__SSE2__)
  while (i + 16 <= text.size()) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    const int mask = _mm_movemask_epi8(sse2::inRange(v, '0', '9'));
    if (mask != 0) {
      return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
    i += 16;
  }
#endif
  while (i < text.size() && !isDigit(text[i])) {
    ++i;
  }
  return i;
}

std::size_t digitsEnd(std::string_view text, std::size_t i) {
  while (i < text.size() && isDigit(text[i])) {
    ++i;
  }
  return i;
}

// The separator between two groups starting at `i` (just past a digit): its flags and length,
// or length 0 when what follows is not a gap followed by a digit. `open` says whether a '(' of
// this span is still open; updated when the gap opens or closes one.
struct Gap {
  std::uint8_t flags = 0;
  std::size_t length = 0;
};

Gap readGap(std::string_view text, std::size_t i, bool& open) {
  const auto at = [&](std::size_t k) { return i + k < text.size() ? text[i + k] : '\0'; };
  Gap g;
  const char c = at(0);
  if (c == ' ' || c == '-' || c == '.' || c == '/') {
    g.flags = c == ' ' ? kSpace : c == '-' ? kDash : c == '.' ? kDot : kSlash;
    g.length = 1;
    if (c == ' ' && at(1) == '-' && at(2) == ' ') {  // "0800 - 123 456"
      g = {static_cast<std::uint8_t>(kSpace | kDash), 3};
    } else if (c == ' ' && at(1) == '(' && !open) {  // "8 (912) 345"
      g = {static_cast<std::uint8_t>(kSpace | kParen), 2};
      open = true;
    }
  } else if (c == '(' && !open) {  // "+44(0)20"
    g = {kParen, 1};
    open = true;
  } else if (c == ')' && open) {  // "(415) 555", "(978)645", "(0)-20"
    g = {kParen, 1};
    if (at(1) == ' ' || at(1) == '-') {
      g = {static_cast<std::uint8_t>(kParen | (at(1) == ' ' ? kSpace : kDash)), 2};
    }
    open = false;
  }
  if (g.length == 0 || !isDigit(at(g.length))) {
    return {};
  }
  return g;
}

// Past an extension right after the number ("x818", " x 12", " ext. 123", "ext123"), or `end`.
std::size_t extensionEnd(std::string_view text, std::size_t end) {
  std::size_t i = end;
  if (i < text.size() && text[i] == ' ') {
    ++i;
  }
  if (i < text.size() && (text[i] == 'x' || text[i] == 'X')) {
    ++i;
  } else if (text.substr(i, 3) == "ext" || text.substr(i, 3) == "Ext") {
    i += 3;
    if (i < text.size() && text[i] == '.') {
      ++i;
    }
  } else {
    return end;
  }
  if (i < text.size() && text[i] == ' ') {
    ++i;
  }
  const std::size_t digits_end = digitsEnd(text, i);
  // An extension has 1-6 digits; "1920x1080"-style products never get here (4 digits before).
  if (digits_end == i || digits_end - i > 6) {
    return end;
  }
  return digits_end;
}

bool isAlnum(char c) { return isDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

bool isJoiner(char c) { return c == '-' || c == '.' || c == '/' || c == '_' || c == ':'; }

}  // namespace

bool startsToken(std::string_view text, std::size_t begin) {
  if (begin == 0) {
    return true;
  }
  const char c = text[begin - 1];
  if (isAlnum(c) || c == '_' || c == '\\') {  // "\0028.1027": an escape sequence
    return false;
  }
  if (c == ',' && begin >= 2 && isDigit(text[begin - 2])) {
    return false;  // "14,000 1600": the rest of a number with a thousands comma
  }
  return !(isJoiner(c) && begin >= 2 && isAlnum(text[begin - 2]));
}

bool endsToken(std::string_view text, std::size_t end) {
  if (end >= text.size()) {
    return true;
  }
  const char c = text[end];
  if (isAlnum(c) || c == '_') {
    return false;
  }
  return !(isJoiner(c) && end + 1 < text.size() && isAlnum(text[end + 1]));
}

std::size_t NumberSpan::digits() const {
  std::size_t n = 0;
  for (std::size_t g = 0; g < count; ++g) {
    n += groups[g].end - groups[g].begin;
  }
  return n;
}

std::uint8_t NumberSpan::separators() const {
  std::uint8_t flags = 0;
  for (std::size_t g = 1; g < count; ++g) {
    flags |= groups[g].gap;
  }
  return flags;
}

void findNumberSpans(std::string_view text, std::vector<NumberSpan>& out) {
  out.clear();
  std::size_t i = nextDigit(text, 0);
  while (i < text.size()) {
    NumberSpan span;
    span.begin = i;
    bool open = false;
    if (span.begin > 0 && text[span.begin - 1] == '(') {
      --span.begin;
      open = true;
    }
    if (span.begin > 0 && text[span.begin - 1] == '+') {
      --span.begin;
      span.plus = true;
    }
    std::size_t pos = i;
    std::uint8_t gap = 0;
    std::size_t digits = 0;
    while (true) {
      const std::size_t group_end = digitsEnd(text, pos);
      span.groups[span.count++] = {static_cast<std::uint32_t>(pos),
                                   static_cast<std::uint32_t>(group_end), gap};
      digits += group_end - pos;
      span.end = group_end;
      if (span.count == kMaxGroups) {
        break;
      }
      bool still_open = open;
      const Gap g = readGap(text, group_end, still_open);
      if (g.length == 0) {
        break;
      }
      open = still_open;
      gap = g.flags;
      pos = group_end + g.length;
    }
    span.ext_end = extensionEnd(text, span.end);
    if (digits >= kMinDigits) {
      out.push_back(span);
    }
    i = nextDigit(text, span.end);
  }
}

NumberSpan subSpan(const NumberSpan& span, std::size_t first, std::size_t last) {
  if (first == 0 && last + 1 == span.count) {
    return span;
  }
  NumberSpan sub;
  sub.plus = first == 0 && span.plus;
  sub.begin = first == 0 ? span.begin : span.groups[first].begin;
  sub.end = span.groups[last].end;
  sub.ext_end = last + 1 == span.count ? span.ext_end : sub.end;
  for (std::size_t g = first; g <= last; ++g) {
    sub.groups[sub.count] = span.groups[g];
    if (sub.count == 0) {
      sub.groups[0].gap = 0;
    }
    ++sub.count;
  }
  return sub;
}

std::vector<NumberSpan> tokens(const NumberSpan& span) {
  std::vector<NumberSpan> parts;
  std::size_t first = 0;
  bool split = false;
  for (std::size_t g = 1; g <= span.count; ++g) {
    const bool boundary = g == span.count || span.groups[g].gap == kSpace;
    if (!boundary) {
      continue;
    }
    if (g != span.count) {
      split = true;
    }
    const NumberSpan part = subSpan(span, first, g - 1);
    if (part.digits() >= kMinDigits) {
      parts.push_back(part);
    }
    first = g;
  }
  if (!split) {
    parts.clear();
  }
  return parts;
}

}  // namespace aisafe::detectors::pii
