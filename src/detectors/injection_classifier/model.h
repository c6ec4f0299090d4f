// The injection classifier's model: a linear model over hashed text features (text_features.h),
// scored over overlapping windows of the text, the highest window winning, and calibrated to a
// probability with Platt scaling. Windows matter for long documents: an injection hidden in the
// middle of an email weighs as much as a short one, instead of being averaged away.
//
// File format (little-endian), versioned and checksummed so that a damaged or foreign file is
// refused at start-up with a reason, never half-loaded:
//   "AISAFEIC" | u32 version (2) | u32 log2(buckets) | u32 window | u32 stride |
//   f32 bias | f32 platt_a | f32 platt_b | f32 flag_threshold | f32 block_threshold |
//   f32 weights[buckets] |
//   32 bytes SHA-256 of everything before it
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "detectors/injection_classifier/text_features.h"

namespace aisafe::detectors::classifier {

struct WindowScore {
  double probability = 0.0;
  std::uint32_t begin = 0;  // code points of the folded text; see FoldedText::byte_of
  std::uint32_t end = 0;
};

class Model {
 public:
  std::uint32_t buckets_log2 = 18;
  std::uint32_t window = 512;  // code points
  std::uint32_t stride = 256;
  float bias = 0.0F;
  float platt_a = 1.0F;  // probability = sigmoid(platt_a * margin + platt_b)
  float platt_b = 0.0F;
  // Default thresholds, chosen at training time on the calibration rows: a probability from
  // flag_threshold is reported (allowed, flagged); from block_threshold it blocks on its own.
  // Between the two it blocks only when another signal corroborates it (policy.h).
  float flag_threshold = 0.5F;
  float block_threshold = 0.9F;
  std::vector<float> weights;

  std::uint32_t buckets() const { return 1U << buckets_log2; }

  double calibrate(double margin) const;

  // The highest-scoring window of a folded text.
  WindowScore score(const FoldedText& text) const;

  std::string serialize() const;
  static Result<Model> parse(std::string_view bytes);
};

// The probability that `z` means yes.
double sigmoid(double z);

}  // namespace aisafe::detectors::classifier
