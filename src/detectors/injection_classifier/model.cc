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
  for (int i = 0; i < 4; ++i) {
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
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
  if (z >= 0) {
    return 1.0 / (1.0 + std::exp(-z));
  }
  const double e = std::exp(z);
  return e / (1.0 + e);
}

double Model::calibrate(double m) const { return sigmoid(platt_a * m + platt_b); }

// Windows overlap, so each window's sum is the difference of two running totals, taken at the
// code points where windows begin or end: every feature's weight is looked up once, as the
// feature is hashed, and no feature is stored.
WindowScore Model::score(const FoldedText& text) const {
  const std::vector<Window> windows = windowsOf(text.code_points, window, stride);
  std::vector<std::uint32_t> edges;
  edges.reserve(2 * windows.size());
  for (const Window w : windows) {
    edges.push_back(w.begin);
    edges.push_back(w.end);
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());

  struct Total {
    double sum;
    std::uint32_t features;
  };
  std::vector<Total> before(edges.size());  // of the features before code point edges[e]
  // Weights are gathered into a block and the block summed in four lanes: with one running sum,
  // every addition would wait for the previous one.
  constexpr std::size_t kBlock = 64;
  double block[kBlock];
  std::size_t in_block = 0;
  double sum = 0.0;
  std::uint32_t features = 0;
  const auto flush = [&] {
    double lane[4] = {0.0, 0.0, 0.0, 0.0};
    std::size_t k = 0;
    for (; k + 4 <= in_block; k += 4) {
      for (std::size_t j = 0; j < 4; ++j) {
        lane[j] += block[k + j];
      }
    }
    for (; k < in_block; ++k) {
      lane[0] += block[k];
    }
    sum += (lane[0] + lane[1]) + (lane[2] + lane[3]);
    features += static_cast<std::uint32_t>(in_block);
    in_block = 0;
  };
  std::size_t next_edge = 0;
  const float* const weight = weights.data();
  // The last edge is the end of the text, past every feature's position: no bounds check.
  forEachFeature(text, buckets() - 1, [&](std::uint32_t index, std::uint32_t at) {
    if (edges[next_edge] <= at) [[unlikely]] {
      flush();
      while (edges[next_edge] <= at) {
        before[next_edge++] = {sum, features};
      }
    }
    block[in_block++] = weight[index];
    if (in_block == kBlock) [[unlikely]] {
      flush();
    }
  });
  flush();
  while (next_edge < edges.size()) {
    before[next_edge++] = {sum, features};
  }
  const auto total_before = [&](std::uint32_t code_point) {
    return before[std::lower_bound(edges.begin(), edges.end(), code_point) - edges.begin()];
  };

  WindowScore best;
  double best_margin = 0.0;
  for (std::size_t w = 0; w < windows.size(); ++w) {
    const Total first = total_before(windows[w].begin);
    const Total last = total_before(windows[w].end);
    const std::uint32_t count = last.features - first.features;
    const double m =
        count == 0 ? bias : bias + (last.sum - first.sum) / std::sqrt(static_cast<double>(count));
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
  for (const float w : weights) {
    putF32(out, w);
  }
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
    if (!std::isfinite(m.weights[i])) {
      return invalidArgument("model holds a non-finite weight");
    }
  }
  return m;
}

}  // namespace aisafe::detectors::classifier
