#include "detectors/injection_classifier/text_features.h"

#include "core/utf8.h"

namespace aisafe::detectors::classifier {
namespace {

constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;

// Seeds keep the three kinds of features apart in the hash space.
constexpr std::uint64_t kWordSeed = 0x243F6A8885A308D3ULL;
constexpr std::uint64_t kBigramSeed = 0x13198A2E03707344ULL;
constexpr std::uint64_t kCharSeed = 0xA4093822299F31D0ULL;

constexpr std::size_t kMinCharGram = 3;
constexpr std::size_t kMaxCharGram = 4;

std::uint64_t mix(std::uint64_t h, std::uint64_t v) { return (h ^ v) * kMul; }

std::uint32_t finish(std::uint64_t h, std::uint32_t buckets) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  return static_cast<std::uint32_t>(h) & (buckets - 1);
}

char32_t foldCase(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;  // Latin-1 capitals
  if (c >= 0x391 && c <= 0x3A9) return c + 32;             // Greek capitals
  if (c >= 0x410 && c <= 0x42F) return c + 32;             // Cyrillic capitals
  if (c >= 0x400 && c <= 0x40F) return c + 80;             // Cyrillic Ѐ..Џ
  return c;
}

bool isSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xA0 ||
         c == 0x3000;
}

bool isDigit(char32_t c) { return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19); }

// Scripts written without spaces between words: each character counts as a word.
bool isUnspacedScript(char32_t c) {
  return (c >= 0x3040 && c <= 0x30FF) ||  // hiragana, katakana
         (c >= 0x3400 && c <= 0x9FFF) ||  // CJK ideographs
         (c >= 0xF900 && c <= 0xFAFF) ||  // CJK compatibility ideographs
         (c >= 0x0E00 && c <= 0x0E7F) ||  // Thai
         (c >= 0xAC00 && c <= 0xD7AF);    // Hangul syllables (spaced, but short words)
}

bool isWordChar(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || c == '0' || c == '\'';
  // Outside ASCII: letters of every script, but not the general punctuation and symbol blocks.
  if (c >= 0x2000 && c <= 0x2BFF) return false;
  if (c >= 0x3000 && c <= 0x303F) return false;
  if (c >= 0xFF00 && c <= 0xFF0F) return false;
  if (c >= 0xFF1A && c <= 0xFF20) return false;
  return c != 0xA0 && !(c >= 0xA1 && c <= 0xBF) && c != 0xD7 && c != 0xF7;
}

}  // namespace

void extractFeatures(std::string_view text, std::uint32_t buckets, TextFeatures& out) {
  out.clear();
  // Fold into a code point buffer, remembering where each folded code point came from.
  thread_local std::vector<char32_t> folded;
  folded.clear();
  bool pending_space = false;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t len = 1;
    const auto byte = static_cast<unsigned char>(text[pos]);
    char32_t c = byte < 0x80 ? char32_t{byte} : utf8::decode(text, pos, len);
    if (isSpace(c)) {
      pending_space = !folded.empty();
      pos += len;
      continue;
    }
    if (pending_space) {
      folded.push_back(' ');
      out.byte_of.push_back(static_cast<std::uint32_t>(pos));
      pending_space = false;
    }
    c = isDigit(c) ? U'0' : foldCase(c);
    folded.push_back(c);
    out.byte_of.push_back(static_cast<std::uint32_t>(pos));
    pos += len;
  }
  const std::size_t n = folded.size();
  out.code_points = static_cast<std::uint32_t>(n);
  out.index.reserve(n * 4);
  out.position.reserve(n * 4);

  auto emit = [&](std::uint64_t h, std::size_t at) {
    out.index.push_back(finish(h, buckets));
    out.position.push_back(static_cast<std::uint32_t>(at));
  };

  std::uint64_t previous_word = 0;
  bool have_previous = false;
  for (std::size_t i = 0; i < n;) {
    // Character n-grams starting at i.
    std::uint64_t h = kCharSeed;
    for (std::size_t k = 0; k < kMaxCharGram && i + k < n; ++k) {
      h = mix(h, folded[i + k]);
      if (k + 1 >= kMinCharGram) emit(h + k, i);
    }
    if (!isWordChar(folded[i])) {
      // Punctuation other than a space ends the bigram chain: "a. b" is not the bigram "a b".
      if (folded[i] != ' ') have_previous = false;
      ++i;
      continue;
    }
    // A word: a run of word characters, or one character of an unspaced script.
    const std::size_t start = i;  // the word is folded[start, i) once the loop below ends
    std::uint64_t w = kWordSeed;
    if (isUnspacedScript(folded[i])) {
      w = mix(w, folded[i]);
      ++i;
    } else {
      while (i < n && isWordChar(folded[i]) && !isUnspacedScript(folded[i])) {
        w = mix(w, folded[i]);
        if (i != start) {  // the char n-grams of the rest of the word
          std::uint64_t g = kCharSeed;
          for (std::size_t k = 0; k < kMaxCharGram && i + k < n; ++k) {
            g = mix(g, folded[i + k]);
            if (k + 1 >= kMinCharGram) emit(g + k, i);
          }
        }
        ++i;
      }
    }
    // A word's features are placed at its last character, so positions never go backwards
    // and the list needs no sort.
    emit(w, i - 1);
    if (have_previous) emit(mix(kBigramSeed, previous_word) + w, i - 1);
    previous_word = w;
    have_previous = true;
  }
}

std::vector<Window> windowsOf(std::uint32_t code_points, std::uint32_t size, std::uint32_t stride) {
  if (code_points <= size) return {{0, code_points}};
  std::vector<Window> out;
  for (std::uint32_t begin = 0;; begin += stride) {
    if (begin + size >= code_points) {
      out.push_back({code_points - size, code_points});
      break;
    }
    out.push_back({begin, begin + size});
  }
  return out;
}

}  // namespace aisafe::detectors::classifier
