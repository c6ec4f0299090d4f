// The normalizer, the survey, the decoders (base64, hex, URL, ROT13, reversed text) and the
// de-obfuscated view (spacing, punctuation, leetspeak) on any valid UTF-8, as the API passes it
// (it refuses invalid UTF-8 first); the single decoders also on any bytes. No crash, and every
// offset map lands inside the original text. Cheap per input, so it explores far more than the
// whole-pipeline target (pipeline_fuzz.cc) can.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/utf8.h"
#include "detect/decoders.h"
#include "detect/deobfuscate.h"
#include "detect/normalizer.h"
#include "detect/survey.h"

namespace {

namespace detect = aisafe::detect;

constexpr std::size_t kMaxInputBytes = 16 * 1024;

void require(bool ok) {
  if (!ok) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInputBytes) {
    return -1;
  }
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // The single decoders take any bytes.
  (void)detect::decodeBase64(bytes);
  (void)detect::decodeHex(bytes);
  (void)detect::decodeUrl(bytes);
  require(detect::rot13(bytes).size() == size);
  (void)detect::looksLikeText(bytes);

  if (!aisafe::utf8::isValid(bytes)) {
    return 0;
  }
  const std::string_view text = bytes;
  require(detect::reverseCodePoints(text).size() == size);

  detect::NormalizedText norm;
  detect::normalize(text, norm);
  require(aisafe::utf8::isValid(norm.text()));
  for (std::size_t i = 0; i < norm.text().size(); ++i) {
    const auto [start, end] = norm.toOriginal(i, i + 1);
    require(start < end && end <= size);
  }
  for (const auto& span : norm.invisible()) {
    require(span.start < span.end && span.end <= size);
  }

  const detect::Survey survey = detect::surveyText(text);
  std::vector<detect::DecodedLayer> layers;
  detect::decodeLayers(text, survey, layers);
  require(layers.size() <= detect::kMaxLayers);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const auto& layer = layers[i];
    require(aisafe::utf8::isValid(layer.text));
    require(layer.depth <= detect::kMaxDecodeDepth);
    if (!layer.text.empty()) {
      const auto [start, end] = detect::originalSpan(layers, i, 0, layer.text.size());
      require(start < end && end <= size);
    }
  }

  detect::DeobfuscatedView view;
  if (detect::deobfuscate(text, view)) {
    require(aisafe::utf8::isValid(view.text));
    require(view.origin.size() == view.text.size());
    for (const auto& [from, to] : view.windows(detect::kViewContext)) {
      require(from < to && to <= view.text.size());
      const auto [start, end] = view.toOriginal(from, to);
      require(start < end && end <= size);
    }
  }
  return 0;
}
