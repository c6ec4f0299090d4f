#include "detect/decoders.h"

#include <cstdint>

#include "core/utf8.h"
#include "detect/base64_digit.h"

namespace aisafe::detect {
namespace {

int hexValue(unsigned char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

bool isSpace(unsigned char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

bool isAsciiAlnum(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The last decoding of a path: "base64" for "hex>base64".
std::string_view lastKind(std::string_view path) {
  const std::size_t gt = path.rfind('>');
  return gt == std::string_view::npos ? path : path.substr(gt + 1);
}

// What is left to spend on one request's layers.
struct Budget {
  std::size_t layers = kMaxLayers;
  std::size_t bytes = kMaxDecodedBytes;
};

// Everything about the parent a new layer needs: where to append and how to name it.
struct Parent {
  std::string_view text;
  int index;  // -1: the original text
  std::string_view path;
  int depth;              // of the parent: 0 for the original text
  std::string_view kind;  // how the parent itself was decoded ("" for the original)
};

void addLayer(std::vector<DecodedLayer>& out, Budget& budget, const Parent& parent,
              std::string text, std::string_view kind, SpanMap map, std::size_t start,
              std::size_t end) {
  DecodedLayer layer;
  layer.text = std::move(text);
  layer.path =
      parent.path.empty() ? std::string(kind) : std::string(parent.path) + ">" + std::string(kind);
  layer.parent = parent.index;
  layer.map = map;
  layer.start = start;
  layer.end = end;
  layer.depth = parent.depth + 1;
  budget.layers -= 1;
  budget.bytes -= layer.text.size();
  out.push_back(std::move(layer));
}

bool affordable(const Budget& budget, std::size_t decoded_bytes) {
  return budget.layers > 0 && decoded_bytes <= budget.bytes;
}

// Base64 and hex runs: maximal runs of the base64 alphabet (hex digits are a subset) with their
// '=' padding. A run of hex digits is tried as hex first, then as base64.
void findAlphabetRuns(const Parent& parent, Budget& budget, std::vector<DecodedLayer>& out) {
  const std::string_view t = parent.text;
  for (std::size_t i = 0; i < t.size() && budget.layers > 0;) {
    if (base64DigitValue(static_cast<unsigned char>(t[i])) < 0) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    bool all_hex = true, upper = false, lower = false, digit = false;
    for (; i < t.size() && base64DigitValue(static_cast<unsigned char>(t[i])) >= 0; ++i) {
      const auto c = static_cast<unsigned char>(t[i]);
      all_hex = all_hex && hexValue(c) >= 0;
      upper = upper || (c >= 'A' && c <= 'Z');
      lower = lower || (c >= 'a' && c <= 'z');
      digit = digit || (c >= '0' && c <= '9');
    }
    const std::size_t run_end = i;
    while (i < t.size() && t[i] == '=' && i - run_end < 2) {
      ++i;
    }
    const std::size_t len = run_end - start;
    // Same gate as the survey: base64 of text mixes classes; one long word does not.
    if (len < kMinEncodedRun || (upper + lower + digit) < 2) {
      continue;
    }
    if (all_hex && len % 2 == 0 && affordable(budget, len / 2)) {
      auto bytes = decodeHex(t.substr(start, len));
      if (bytes && looksLikeText(*bytes)) {
        addLayer(out, budget, parent, std::move(*bytes), "hex", SpanMap::kWholeSegment, start,
                 run_end);
        continue;
      }
    }
    if (!affordable(budget, len / 4 * 3 + 2)) {
      continue;
    }
    auto bytes = decodeBase64(t.substr(start, i - start));
    if (bytes && looksLikeText(*bytes)) {
      addLayer(out, budget, parent, std::move(*bytes), "base64", SpanMap::kWholeSegment, start, i);
    }
  }
}

// Hex written byte by byte: "\x69\x67", "0x69 0x67", "69 67", "69:67", "69,67". Each byte is
// two hex digits not followed by a third, after an optional \x or 0x; bytes are separated by one
// of " :,-" or by nothing when the next has a prefix. Contiguous hex is findAlphabetRuns' job.
std::size_t separatedHexByte(std::string_view t, std::size_t i, std::size_t& value) {
  std::size_t k = i;
  if (k + 1 < t.size() && (t[k] == '\\' || t[k] == '0') && (t[k + 1] | 0x20) == 'x') {
    k += 2;
  }
  if (k + 1 >= t.size()) {
    return 0;
  }
  const int hi = hexValue(static_cast<unsigned char>(t[k]));
  const int lo = hexValue(static_cast<unsigned char>(t[k + 1]));
  if (hi < 0 || lo < 0) {
    return 0;
  }
  if (k + 2 < t.size() && hexValue(static_cast<unsigned char>(t[k + 2])) >= 0) {
    return 0;
  }
  value = static_cast<std::size_t>(hi) * 16 + static_cast<std::size_t>(lo);
  return k + 2 - i;
}

void findSeparatedHex(const Parent& parent, Budget& budget, std::vector<DecodedLayer>& out) {
  const std::string_view t = parent.text;
  for (std::size_t i = 0; i < t.size() && budget.layers > 0; ++i) {
    // A byte starts at a word boundary: not inside a longer run of letters or digits.
    if (i > 0 && base64DigitValue(static_cast<unsigned char>(t[i - 1])) >= 0) {
      continue;
    }
    std::size_t value = 0;
    std::size_t len = separatedHexByte(t, i, value);
    if (len == 0) {
      continue;
    }
    std::string bytes;
    std::size_t end = i;
    while (len != 0) {
      bytes.push_back(static_cast<char>(value));
      end += len;
      std::size_t next = end;
      if (next < t.size() &&
          (t[next] == ' ' || t[next] == ':' || t[next] == ',' || t[next] == '-')) {
        ++next;
      }
      len = separatedHexByte(t, next, value);
      if (len != 0) {
        end = next;
      }
    }
    if (bytes.size() >= kMinHexPairs && affordable(budget, bytes.size()) && looksLikeText(bytes)) {
      addLayer(out, budget, parent, std::move(bytes), "hex", SpanMap::kWholeSegment, i, end);
    }
    i = end;
  }
}

// URL encoding: each whitespace-separated token holding a %XX escape.
void findUrlTokens(const Parent& parent, Budget& budget, std::vector<DecodedLayer>& out) {
  const std::string_view t = parent.text;
  for (std::size_t i = 0; i < t.size() && budget.layers > 0;) {
    if (isSpace(static_cast<unsigned char>(t[i]))) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    bool escaped = false;
    for (; i < t.size() && !isSpace(static_cast<unsigned char>(t[i])); ++i) {
      if (t[i] == '%' && i + 2 < t.size() && hexValue(static_cast<unsigned char>(t[i + 1])) >= 0 &&
          hexValue(static_cast<unsigned char>(t[i + 2])) >= 0) {
        escaped = true;
      }
    }
    if (!escaped || !affordable(budget, i - start)) {
      continue;
    }
    auto bytes = decodeUrl(t.substr(start, i - start));
    if (bytes && looksLikeText(*bytes)) {
      addLayer(out, budget, parent, std::move(*bytes), "url", SpanMap::kWholeSegment, start, i);
    }
  }
}

// The longest prefix of `t` of at most `limit` bytes that ends on a code point boundary.
std::size_t prefixAtBoundary(std::string_view t, std::size_t limit) {
  if (t.size() <= limit) {
    return t.size();
  }
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return cut;
}

// ROT13 and reversal cannot be spotted by alphabet: the survey's marker words or hints decide,
// and the whole text (up to the budget) is turned. Undoing the parent's own kind is pointless.
void addWholeTextLayers(const Parent& parent, const Survey& survey, Budget& budget,
                        std::vector<DecodedLayer>& out) {
  const std::size_t cut = prefixAtBoundary(parent.text, budget.bytes);
  if (cut < kMinDecodedBytes) {
    return;
  }
  const std::string_view part = parent.text.substr(0, cut);
  if (survey.rot13 && parent.kind != "rot13" && affordable(budget, cut)) {
    addLayer(out, budget, parent, rot13(part), "rot13", SpanMap::kSamePositions, 0, cut);
  }
  const std::size_t cut2 = prefixAtBoundary(parent.text, budget.bytes);
  if (survey.reversed && parent.kind != "reversed" && cut2 >= kMinDecodedBytes &&
      affordable(budget, cut2)) {
    addLayer(out, budget, parent, reverseCodePoints(parent.text.substr(0, cut2)), "reversed",
             SpanMap::kMirrored, 0, cut2);
  }
}

void decodeInto(const Parent& parent, const Survey& survey, Budget& budget,
                std::vector<DecodedLayer>& out) {
  if (survey.encoded) {
    findAlphabetRuns(parent, budget, out);
    findSeparatedHex(parent, budget, out);
    findUrlTokens(parent, budget, out);
  }
  addWholeTextLayers(parent, survey, budget, out);
}

}  // namespace

void decodeLayers(std::string_view text, const Survey& survey, std::vector<DecodedLayer>& out) {
  // Layers below keep string_views into earlier layers' texts: no reallocation may move them.
  out.reserve(out.size() + kMaxLayers);
  Budget budget;
  decodeInto(Parent{text, -1, "", 0, ""}, survey, budget, out);
  for (std::size_t i = 0; i < out.size() && budget.layers > 0; ++i) {
    if (out[i].depth >= kMaxDecodeDepth) {
      continue;
    }
    const std::string_view inner = out[i].text;
    const Survey inner_survey = surveyText(inner);
    if (!inner_survey.encoded && !inner_survey.rot13 && !inner_survey.reversed) {
      continue;
    }
    decodeInto(Parent{inner, static_cast<int>(i), out[i].path, out[i].depth, lastKind(out[i].path)},
               inner_survey, budget, out);
  }
}

std::pair<std::size_t, std::size_t> originalSpan(const std::vector<DecodedLayer>& layers,
                                                 std::size_t layer, std::size_t start,
                                                 std::size_t end) {
  for (int i = static_cast<int>(layer); i >= 0; i = layers[i].parent) {
    const DecodedLayer& l = layers[i];
    switch (l.map) {
      case SpanMap::kWholeSegment:
        start = l.start;
        end = l.end;
        break;
      case SpanMap::kSamePositions:
        start += l.start;
        end += l.start;
        break;
      case SpanMap::kMirrored: {
        const std::size_t len = l.end - l.start;
        const std::size_t s = l.start + (len - end);
        end = l.start + (len - start);
        start = s;
        break;
      }
    }
  }
  return {start, end};
}

std::optional<std::string> decodeBase64(std::string_view in) {
  while (!in.empty() && in.back() == '=') {
    in.remove_suffix(1);
  }
  if (in.size() % 4 == 1) {
    return std::nullopt;  // a lone 6-bit digit cannot end a byte
  }
  std::string out;
  out.reserve(in.size() / 4 * 3 + 2);
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    const int v = base64DigitValue(c);
    if (v < 0) {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

std::optional<std::string> decodeHex(std::string_view in) {
  if (in.size() % 2 != 0) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(in.size() / 2);
  for (std::size_t i = 0; i < in.size(); i += 2) {
    const int hi = hexValue(static_cast<unsigned char>(in[i]));
    const int lo = hexValue(static_cast<unsigned char>(in[i + 1]));
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::optional<std::string> decodeUrl(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  bool escaped = false;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c == '%' && i + 2 < in.size() && hexValue(static_cast<unsigned char>(in[i + 1])) >= 0 &&
        hexValue(static_cast<unsigned char>(in[i + 2])) >= 0) {
      out.push_back(static_cast<char>(hexValue(static_cast<unsigned char>(in[i + 1])) * 16 +
                                      hexValue(static_cast<unsigned char>(in[i + 2]))));
      i += 2;
      escaped = true;
    } else {
      out.push_back(c == '+' ? ' ' : static_cast<char>(c));
    }
  }
  if (!escaped) {
    return std::nullopt;
  }
  return out;
}

std::string rot13(std::string_view in) {
  std::string out(in);
  for (char& ch : out) {
    const char base = (ch >= 'a' && ch <= 'z') ? 'a' : (ch >= 'A' && ch <= 'Z') ? 'A' : '\0';
    if (base != 0) {
      ch = static_cast<char>(base + (ch - base + 13) % 26);
    }
  }
  return out;
}

std::string reverseCodePoints(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  std::size_t end = in.size();
  while (end > 0) {
    std::size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(in[start]) & 0xC0) == 0x80) {
      --start;
    }
    out.append(in.substr(start, end - start));
    end = start;
  }
  return out;
}

bool looksLikeText(std::string_view bytes) {
  if (bytes.size() < kMinDecodedBytes || !utf8::isValid(bytes)) {
    return false;
  }
  std::size_t total = 0, unprintable = 0, wordish = 0;
  for (std::size_t i = 0; i < bytes.size();) {
    std::size_t len = 0;
    const char32_t cp = utf8::decode(bytes, i, len);
    i += len;
    ++total;
    const bool space = cp == ' ' || cp == '\n' || cp == '\t' || cp == '\r';
    if ((cp < 0x20 && !space) || (cp >= 0x7F && cp < 0xA0) || cp == 0xFFFD) {
      ++unprintable;
    } else if (space || isAsciiAlnum(cp) || cp >= 0xA0) {
      ++wordish;
    }
  }
  // Mostly printable (a stray control byte is tolerated) and mostly words: random bytes that
  // happen to be valid UTF-8 fail one or the other.
  return unprintable * 20 <= total && wordish * 10 >= total * 6;
}

}  // namespace aisafe::detect
