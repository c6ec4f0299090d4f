#include "detectors/canary/system_prompt_echo.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace aisafe::detectors::canary {
namespace {

struct Word {
  std::size_t start;  // byte span in the text
  std::size_t end;
  std::uint64_t hash;  // of the lower-cased bytes
};

enum class CharClass { kSeparator, kWordPart, kWordOfItsOwn };

CharClass classify(char32_t cp) {
  if (cp < 0x80) {
    const bool alnum =
        (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    return alnum ? CharClass::kWordPart : CharClass::kSeparator;
  }
  // Punctuation and spaces beyond ASCII: Latin-1 symbols, × ÷, general punctuation (dashes,
  // curly quotes, zero-width and other spaces), CJK punctuation, full-width ASCII punctuation.
  if ((cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x206F) ||
      (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
      (cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
      (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65) || cp == 0xFEFF) {
    return CharClass::kSeparator;
  }
  // Scripts written without spaces: one character is about one word.
  if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
      (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
      (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF)) {
    return CharClass::kWordOfItsOwn;
  }
  return CharClass::kWordPart;
}

// Decodes one code point at `pos`; a byte that does not start a well-formed sequence decodes as
// itself with length 1 (any byte sequence is accepted, nothing is read past the end).
char32_t decodeAt(std::string_view s, std::size_t pos, std::size_t& len) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  len = 1;
  if (b0 < 0x80) {
    return b0;
  }
  std::size_t n = 0;
  char32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    cp = b0 & 0x07;
  } else {
    return 0x10FFFF + 1;  // not a code point: a word character (see classify)
  }
  if (pos + n > s.size()) {
    return 0x10FFFF + 1;
  }
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[pos + k]);
    if ((b & 0xC0) != 0x80) {
      return 0x10FFFF + 1;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are treated as stray bytes too.
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0x10FFFF + 1;
  }
  len = n;
  return cp;
}

char lowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr std::uint64_t kFnvOffset = 14695981039346656037ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;

std::uint64_t hashWord(std::string_view text, std::size_t start, std::size_t end) {
  std::uint64_t h = kFnvOffset;
  for (std::size_t i = start; i < end; ++i) {
    h ^= static_cast<unsigned char>(lowerAscii(text[i]));
    h *= kFnvPrime;
  }
  return h;
}

std::vector<Word> words(std::string_view text) {
  std::vector<Word> out;
  std::size_t i = 0;
  std::size_t word_start = 0;
  bool in_word = false;
  auto close = [&](std::size_t end) {
    if (in_word) {
      out.push_back({word_start, end, hashWord(text, word_start, end)});
    }
    in_word = false;
  };
  while (i < text.size() && out.size() < kMaxWords) {
    std::size_t len = 1;
    const char32_t cp = decodeAt(text, i, len);
    switch (classify(cp)) {
      case CharClass::kSeparator:
        close(i);
        break;
      case CharClass::kWordOfItsOwn:
        close(i);
        out.push_back({i, i + len, hashWord(text, i, i + len)});
        break;
      case CharClass::kWordPart:
        if (!in_word) {
          word_start = i;
        }
        in_word = true;
        break;
    }
    i += len;
  }
  if (out.size() < kMaxWords) {
    close(i);
  }
  return out;
}

bool sameWord(std::string_view a, const Word& wa, std::string_view b, const Word& wb) {
  if (wa.hash != wb.hash || wa.end - wa.start != wb.end - wb.start) {
    return false;
  }
  for (std::size_t k = 0; k < wa.end - wa.start; ++k) {
    if (lowerAscii(a[wa.start + k]) != lowerAscii(b[wb.start + k])) {
      return false;
    }
  }
  return true;
}

// Order-dependent hash of the kMinWords words from `first`.
std::uint64_t windowHash(const std::vector<Word>& w, std::size_t first) {
  std::uint64_t h = kFnvOffset;
  for (std::size_t k = 0; k < kMinWords; ++k) {
    h ^= w[first + k].hash;
    h *= kFnvPrime;
    h ^= h >> 29;
  }
  return h;
}

detect::Finding echoFinding(std::size_t start, std::size_t end, std::size_t word_count) {
  detect::Finding f;
  f.detector = "system_prompt_echo";
  f.rule_id = "system_prompt_leak.verbatim";
  f.category = "system_prompt_leak";
  f.type = "verbatim";
  f.severity = detect::Severity::kHigh;
  f.score = 0.9;  // a long shared run is almost always a quote; the words say nothing more
  f.start = start;
  f.end = end;
  f.message = "The response repeats " + std::to_string(word_count) +
              " consecutive words of the system prompt.";
  f.redact_as = "SYSTEM_PROMPT";
  f.layer = "text";
  return f;
}

}  // namespace

void findSystemPromptEcho(std::string_view response, std::string_view system_prompt,
                          detect::Findings& out) {
  const std::vector<Word> prompt = words(system_prompt);
  if (prompt.size() < kMinWords) {
    return;
  }
  const std::vector<Word> answer = words(response);
  if (answer.size() < kMinWords) {
    return;
  }

  // First occurrence of each window of the prompt; a repeated window matches the same way.
  std::unordered_map<std::uint64_t, std::size_t> windows;
  windows.reserve(prompt.size() - kMinWords + 1);
  for (std::size_t i = 0; i + kMinWords <= prompt.size(); ++i) {
    windows.emplace(windowHash(prompt, i), i);
  }
  auto matches = [&](std::size_t a) {
    const auto it = windows.find(windowHash(answer, a));
    if (it == windows.end()) {
      return false;
    }
    for (std::size_t k = 0; k < kMinWords; ++k) {
      if (!sameWord(response, answer[a + k], system_prompt, prompt[it->second + k])) {
        return false;
      }
    }
    return true;
  };

  // Matching windows that overlap or touch form one run [run_first, run_end) of answer words.
  std::size_t findings = 0;
  std::size_t run_first = 0;
  std::size_t run_end = 0;
  bool in_run = false;
  auto emit = [&] {
    if (!in_run || findings >= kMaxEchoFindings) {
      return;
    }
    out.push_back(
        echoFinding(answer[run_first].start, answer[run_end - 1].end, run_end - run_first));
    ++findings;
  };
  for (std::size_t a = 0; a + kMinWords <= answer.size(); ++a) {
    if (!matches(a)) {
      continue;
    }
    if (in_run && a <= run_end) {
      run_end = a + kMinWords;
    } else {
      emit();
      run_first = a;
      run_end = a + kMinWords;
      in_run = true;
    }
  }
  emit();
}

}  // namespace aisafe::detectors::canary
