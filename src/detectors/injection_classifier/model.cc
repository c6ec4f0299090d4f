#include "detectors/injection_classifier/model.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <openssl/sha.h>

namespace aisafe::detectors::classifier {
namespace {

constexpr char kMagic[8] = {'A', 'I', 'S', 'A', 'F', 'E', 'I', 'C'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 8 + 4 * 4 + 4 * 4;

void putU32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void putF32(std::string& out, float f) {
  std::uint32_t v = 0;
  std::memcpy(&v, &f, sizeof v);
  putU32(out, v);
}

std::uint32_t getU32(std::string_view in, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  }
  return v;
}

float getF32(std::string_view in, std::size_t at) {
  const std::uint32_t v = getU32(in, at);
  float f = 0;
  std::memcpy(&f, &v, sizeof f);
  return f;
}

}  // namespace

double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

double Model::calibrate(double m) const { return sigmoid(platt_a * m + platt_b); }

// Windows overlap, so each window's sum is the difference of two running totals: every
// feature's weight is looked up once, not once per window covering it. Only the totals at
// window edges are kept (two per window), not one per feature.
WindowScore Model::score(const TextFeatures& features) const {
  const auto& pos = features.position;
  const std::vector<Window> windows = windowsOf(features.code_points, window, stride);
  // Feature ranges [first, last) of each window; both ends rise from window to window.
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  ranges.reserve(windows.size());
  for (const Window w : windows) {
    ranges.emplace_back(std::lower_bound(pos.begin(), pos.end(), w.begin) - pos.begin(),
                        std::lower_bound(pos.begin(), pos.end(), w.end) - pos.begin());
  }
  std::vector<std::size_t> edges;
  edges.reserve(2 * ranges.size());
  for (const auto& [first, last] : ranges) {
    edges.push_back(first);
    edges.push_back(last);
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  std::vector<double> total_at(edges.size());  // the running total before feature edges[i]
  double total = 0.0;
  std::size_t k = 0;
  for (std::size_t e = 0; e < edges.size(); ++e) {
    for (; k < edges[e]; ++k) total += weights[features.index[k]];
    total_at[e] = total;
  }
  const auto totalBefore = [&](std::size_t feature) {
    return total_at[std::lower_bound(edges.begin(), edges.end(), feature) - edges.begin()];
  };

  WindowScore best;
  double best_margin = 0.0;
  for (std::size_t w = 0; w < windows.size(); ++w) {
    const auto [first, last] = ranges[w];
    const double m = last <= first ? bias
                                   : bias + (totalBefore(last) - totalBefore(first)) /
                                                std::sqrt(static_cast<double>(last - first));
    if (w == 0 || m > best_margin) {
      best_margin = m;
      best.begin = windows[w].begin;
      best.end = windows[w].end;
    }
  }
  best.probability = calibrate(best_margin);
  return best;
}

std::string Model::serialize() const {
  std::string out(kMagic, sizeof kMagic);
  putU32(out, kVersion);
  putU32(out, buckets_log2);
  putU32(out, window);
  putU32(out, stride);
  putF32(out, bias);
  putF32(out, platt_a);
  putF32(out, platt_b);
  putF32(out, threshold);
  out.reserve(out.size() + weights.size() * 4 + SHA256_DIGEST_LENGTH);
  for (const float w : weights) putF32(out, w);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(out.data()), out.size(), digest);
  out.append(reinterpret_cast<const char*>(digest), sizeof digest);
  return out;
}

Result<Model> Model::parse(std::string_view bytes) {
  if (bytes.size() < kHeaderBytes + SHA256_DIGEST_LENGTH ||
      std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return invalidArgument("not an aisafe classifier model (bad magic or too short)");
  }
  const std::string_view body = bytes.substr(0, bytes.size() - SHA256_DIGEST_LENGTH);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest);
  if (std::memcmp(digest, bytes.data() + body.size(), sizeof digest) != 0) {
    return invalidArgument("model file is damaged (checksum mismatch)");
  }
  if (const std::uint32_t v = getU32(bytes, 8); v != kVersion) {
    return invalidArgument("model format version " + std::to_string(v) + " is not supported (" +
                           std::to_string(kVersion) + " is)");
  }
  Model m;
  m.buckets_log2 = getU32(bytes, 12);
  m.window = getU32(bytes, 16);
  m.stride = getU32(bytes, 20);
  m.bias = getF32(bytes, 24);
  m.platt_a = getF32(bytes, 28);
  m.platt_b = getF32(bytes, 32);
  m.threshold = getF32(bytes, 36);
  if (m.buckets_log2 < 8 || m.buckets_log2 > 24 || m.window == 0 || m.stride == 0 ||
      m.stride > m.window || !(m.threshold > 0.0F && m.threshold < 1.0F)) {
    return invalidArgument("model header holds impossible values");
  }
  if (body.size() != kHeaderBytes + static_cast<std::size_t>(m.buckets()) * 4) {
    return invalidArgument("model file size does not match its header");
  }
  m.weights.resize(m.buckets());
  for (std::size_t i = 0; i < m.weights.size(); ++i) {
    m.weights[i] = getF32(bytes, kHeaderBytes + i * 4);
    if (!std::isfinite(m.weights[i])) return invalidArgument("model holds a non-finite weight");
  }
  return m;
}

}  // namespace aisafe::detectors::classifier
