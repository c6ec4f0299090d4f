// Decoding layers: the texts an attacker can hide inside a prompt with a reversible encoding
// (base64 in either alphabet, hex, URL %XX escapes, ROT13, reversed text), decoded so that the
// pipeline can scan them with every detector. Not a general decoder: only what looks like text
// once decoded (valid UTF-8, mostly printable, mostly letters and spaces) becomes a layer, so git
// SHAs, UUIDs and random tokens cost a failed decode and nothing else.
// Work is bounded whatever the input: at most kMaxLayers layers, kMaxDecodedBytes decoded bytes
// and kMaxDecodeDepth nested encodings per text. Pure functions; thread-safe; never throw.
// docs/encoded-attacks.md explains the choices and their limits.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detect/survey.h"

namespace aisafe::detect {

constexpr std::size_t kMaxLayers = 16;              // decoded segments per request
constexpr std::size_t kMaxDecodedBytes = 64 << 10;  // decoded bytes per request, all layers
constexpr int kMaxDecodeDepth = 2;                  // "hex>base64" yes, a third level no
// A decoded text must be at least this long (bytes) to be worth a scan.
constexpr std::size_t kMinDecodedBytes = 8;

// How a span of a layer's text maps onto the segment of its parent it was decoded from.
enum class SpanMap {
  kWholeSegment,   // base64, hex, URL: any decoded span stands for the whole encoded segment
  kSamePositions,  // ROT13: byte i of the layer is byte i of the segment
  kMirrored,       // reversed text: code points in reverse order, byte lengths kept
};

struct DecodedLayer {
  std::string text;  // valid UTF-8
  std::string path;  // decodings from the original text, outermost first: "hex>base64"
  int parent = -1;   // index of the layer this was decoded from; -1: the original text
  SpanMap map = SpanMap::kWholeSegment;
  std::size_t start = 0;  // the encoded segment in the parent's text, [start, end)
  std::size_t end = 0;
  int depth = 1;
};

// Appends to `out` the layers hidden in `text` (valid UTF-8; `survey` is surveyText(text)),
// then those hidden inside them, within the bounds above. `out` is expected empty.
void decodeLayers(std::string_view text, const Survey& survey, std::vector<DecodedLayer>& out);

// The byte span of the original text that holds [start, end) of layers[layer].text.
// Requires start < end <= layers[layer].text.size() at code point boundaries.
std::pair<std::size_t, std::size_t> originalSpan(const std::vector<DecodedLayer>& layers,
                                                 std::size_t layer, std::size_t start,
                                                 std::size_t end);

// The single decoders, exposed for tests. Each returns nullopt when `in` is not a valid
// encoding; the result may be any bytes (check with looksLikeText before scanning).
std::optional<std::string> decodeBase64(std::string_view in);  // both alphabets, '=' optional
std::optional<std::string> decodeHex(std::string_view in);
std::optional<std::string> decodeUrl(std::string_view in);  // %XX, and '+' as a space
std::string rot13(std::string_view in);
std::string reverseCodePoints(std::string_view in);  // `in` valid UTF-8

// True when `bytes` are valid UTF-8 made mostly of printable characters, most of them letters,
// digits or spaces: what a human or a model would read as text.
bool looksLikeText(std::string_view bytes);

}  // namespace aisafe::detect
