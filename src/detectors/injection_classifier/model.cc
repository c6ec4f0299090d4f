#include "detectors/injection_classifier/model.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "crypto/sha256.h"

namespace aisafe::detectors::classifier {
namespace {

constexpr char kMagic[8] = {'A', 'I', 'S', 'A', 'F', 'E', 'I', 'C'};
constexpr std::uint32_t kVersion = 2;  // 2: a block threshold beside the flag threshold
constexpr std::size_t kHeaderBytes = 8 + 4 * 4 + 5 * 4;
constexpr std::size_t kDigestBytes = std::tuple_size_v<crypto::Sha256Digest>;  // trailing checksum

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
// feature is hashed, and no feature is stored. The totals add up two passes over the text: the
// character n-grams, two per code point, summed a chunk of hashes at a time between edges, and
// the word features, which come at word ends.
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
    double sum = 0.0;
    std::uint32_t features = 0;
  };
  std::vector<Total> before(edges.size());  // of the features before code point edges[e]
  const float* const weight = weights.data();
  const std::uint32_t mask = buckets() - 1;
  const char32_t* const folded = text.chars.data();
  const std::size_t n = text.code_points;

  {  // Character n-grams.
    const std::size_t with_4gram = withFourGram(n);
    constexpr std::size_t kChunk = 256;
    std::uint32_t grams3[kChunk];
    std::uint32_t grams4[kChunk];
    double sum = 0.0;
    std::uint32_t features = 0;
    std::size_t e = 0;
    const auto pass_edges_up_to = [&](std::size_t position) {
      while (e < edges.size() && edges[e] <= position) {
        before[e++] = {sum, features};
      }
    };
    for (std::size_t chunk = 0; chunk < with_4gram; chunk += kChunk) {
      const std::size_t chunk_end = std::min(with_4gram, chunk + kChunk);
      hashCharGrams(folded + chunk, chunk_end - chunk, mask, grams3, grams4);
      for (std::size_t from = chunk; from < chunk_end;) {
        pass_edges_up_to(from);
        const std::size_t to =
            e < edges.size() ? std::min<std::size_t>(chunk_end, edges[e]) : chunk_end;
        sum += sumWeights(weight, grams3 + (from - chunk), to - from) +
               sumWeights(weight, grams4 + (from - chunk), to - from);
        features += static_cast<std::uint32_t>(2 * (to - from));
        from = to;
      }
    }
    if (n >= 3) {  // the last 3-gram, which has no 4-gram
      pass_edges_up_to(n - 3);
      sum += weight[charTrigram(folded, n - 3, mask)];
      ++features;
    }
    pass_edges_up_to(n);
  }

  {  // Word features. The last edge is the end of the text, past every word: no bounds check.
    double sum = 0.0;
    std::uint32_t features = 0;
    std::size_t e = 0;
    const auto add = [&](std::uint32_t index, std::uint32_t at) {
      while (edges[e] <= at) {
        before[e].sum += sum;
        before[e++].features += features;
      }
      sum += weight[index];
      ++features;
    };
    forEachWordFeature(text, mask, add);
    for (; e < edges.size(); ++e) {
      before[e].sum += sum;
      before[e].features += features;
    }
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
  putF32(out, flag_threshold);
  putF32(out, block_threshold);
  out.reserve(out.size() + weights.size() * 4 + kDigestBytes);
  for (const float w : weights) {
    putF32(out, w);
  }
  const crypto::Sha256Digest digest = crypto::sha256(out);
  out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  return out;
}

Result<Model> Model::parse(std::string_view bytes) {
  if (bytes.size() < kHeaderBytes + kDigestBytes ||
      std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return invalidArgument("not an aisafe classifier model (bad magic or too short)");
  }
  const std::string_view body = bytes.substr(0, bytes.size() - kDigestBytes);
  const crypto::Sha256Digest digest = crypto::sha256(body);
  if (std::memcmp(digest.data(), bytes.data() + body.size(), digest.size()) != 0) {
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
  m.flag_threshold = getF32(bytes, 36);
  m.block_threshold = getF32(bytes, 40);
  if (m.buckets_log2 < 8 || m.buckets_log2 > 24 || m.window == 0 || m.stride == 0 ||
      m.stride > m.window || !(m.flag_threshold > 0.0F && m.flag_threshold < 1.0F) ||
      !(m.block_threshold >= m.flag_threshold && m.block_threshold < 1.0F)) {
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
