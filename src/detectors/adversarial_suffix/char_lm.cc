#include "detectors/adversarial_suffix/char_lm.h"

#include <cmath>
#include <cstring>
#include <unordered_map>

#include "crypto/sha256.h"

namespace aisafe::detectors::suffix {
namespace {

constexpr char kMagic[8] = {'A', 'I', 'S', 'A', 'F', 'E', 'S', 'L'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 8 + 4 + 4 + 8;
constexpr std::size_t kDigestBytes = 32;
// Interpolation weight of the lower order: small enough that a 5-gram seen a few times
// dominates, large enough that one seen once does not look certain.
constexpr float kInterpolation = 4.0F;
// Log-scaled counts: q = round(kSteps * log2(1 + c)), 8 steps per doubling (~9% precision).
constexpr double kSteps = 8.0;

// An n-gram as one integer: its order in the top byte, its symbols below (each < 256).
std::uint64_t gramKey(const unsigned char* end, int n) {
  std::uint64_t key = static_cast<std::uint64_t>(n) << 56;
  for (int i = n; i >= 1; --i) {
    key = key ^ (static_cast<std::uint64_t>(end[-i]) << (8 * (i - 1)));
  }
  return key;
}

std::size_t bucketOf(std::uint64_t key) {
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64 - kBucketsLog2));
}

void putU32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
}

void putU64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
}

std::uint64_t getLe(std::string_view bytes, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) {
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  }
  return v;
}

}  // namespace

void foldSymbols(std::string_view text, std::string& out, std::vector<std::uint32_t>* offsets) {
  bool in_space = false;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = 1;
    unsigned char symbol;
    if (c < 0x80) {
      if (c == ' ' || (c >= '\t' && c <= '\r')) {
        // A run of white space is one symbol: line breaks and padding carry no meaning here.
        if (in_space) {
          ++i;
          continue;
        }
        in_space = true;
        symbol = ' ';
      } else {
        in_space = false;
        symbol = c >= 'A' && c <= 'Z'   ? static_cast<unsigned char>(c + 32)
                 : c >= '0' && c <= '9' ? static_cast<unsigned char>('0')
                                        : c;
      }
    } else {
      in_space = false;
      symbol = kNonAscii;
      len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      // A sequence cut short counts its lead byte alone, so `i` never passes the end.
      for (std::size_t k = 1; k < len; ++k) {
        if (i + k >= text.size() || (static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
          len = k;
          break;
        }
      }
    }
    out.push_back(static_cast<char>(symbol));
    if (offsets != nullptr) {
      offsets->push_back(static_cast<std::uint32_t>(i));
    }
    i += len;
  }
}

CharLm CharLm::train(const std::vector<std::string_view>& texts) {
  std::unordered_map<std::uint64_t, std::uint32_t> counts;
  counts.reserve(1 << 20);
  CharLm lm;
  std::string symbols;
  for (const auto text : texts) {
    symbols.assign(kOrder - 1, static_cast<char>(kPad));
    foldSymbols(text, symbols, nullptr);
    const auto* s = reinterpret_cast<const unsigned char*>(symbols.data());
    for (std::size_t i = kOrder - 1; i < symbols.size(); ++i) {
      for (int n = 1; n <= kOrder; ++n) {
        ++counts[gramKey(s + i + 1, n)];
      }
    }
    lm.total_ += symbols.size() - (kOrder - 1);
  }
  // Summed per bucket before scaling: addition does not depend on the map's order.
  std::vector<std::uint64_t> sums(std::size_t{1} << kBucketsLog2, 0);
  for (const auto& [key, c] : counts) {
    if ((key >> 56) >= 3 && c < 2) {
      continue;  // long n-grams seen once are mostly noise and would fill the table
    }
    sums[bucketOf(key)] += c;
  }
  lm.table_.resize(sums.size());
  for (std::size_t b = 0; b < sums.size(); ++b) {
    const double q = std::round(kSteps * std::log2(1.0 + static_cast<double>(sums[b])));
    lm.table_[b] = static_cast<std::uint8_t>(std::min(q, 255.0));
  }
  lm.buildDecoder();
  return lm;
}

void CharLm::buildDecoder() {
  for (int q = 0; q < 256; ++q) {
    decoded_[q] = static_cast<float>(std::exp2(q / kSteps) - 1.0);
  }
}

float CharLm::count(std::uint64_t key) const { return decoded_[table_[bucketOf(key)]]; }

std::string CharLm::serialize() const {
  std::string out(kMagic, sizeof kMagic);
  putU32(out, kVersion);
  putU32(out, kBucketsLog2);
  putU64(out, total_);
  out.append(reinterpret_cast<const char*>(table_.data()), table_.size());
  const auto digest = crypto::sha256(out);
  out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  return out;
}

Result<CharLm> CharLm::load(std::string_view bytes) {
  const std::size_t table_bytes = std::size_t{1} << kBucketsLog2;
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return invalidArgument("suffix language model: not an aisafe suffix model");
  }
  if (getLe(bytes, 8, 4) != kVersion || getLe(bytes, 12, 4) != kBucketsLog2) {
    return invalidArgument("suffix language model: unsupported version or table size");
  }
  if (bytes.size() != kHeaderBytes + table_bytes + kDigestBytes) {
    return invalidArgument("suffix language model: truncated or padded file");
  }
  const auto digest = crypto::sha256(bytes.substr(0, kHeaderBytes + table_bytes));
  if (std::memcmp(digest.data(), bytes.data() + kHeaderBytes + table_bytes, kDigestBytes) != 0) {
    return invalidArgument("suffix language model: digest mismatch (damaged file)");
  }
  CharLm lm;
  lm.total_ = getLe(bytes, 16, 8);
  if (lm.total_ == 0) {
    return invalidArgument("suffix language model: trained on no text");
  }
  const auto* table = reinterpret_cast<const std::uint8_t*>(bytes.data() + kHeaderBytes);
  lm.table_.assign(table, table + table_bytes);
  lm.buildDecoder();
  return lm;
}

void CharLm::surprise(std::string_view symbols, std::vector<float>& bits) const {
  std::string padded(kOrder - 1, static_cast<char>(kPad));
  padded.append(symbols);
  const auto* s = reinterpret_cast<const unsigned char*>(padded.data());
  bits.resize(symbols.size());
  // The alphabet the model can name: printable ASCII, the space, the non-ASCII symbol.
  constexpr float kUniform = 1.0F / 97.0F;
  const auto total = static_cast<float>(total_);
  // The context of an n-gram is the (n-1)-gram that ended one symbol earlier: its count was
  // looked up for the previous symbol, so each symbol costs kOrder lookups, not 2 kOrder - 1.
  std::array<float, kOrder + 1> previous{};
  for (int n = 1; n < kOrder; ++n) {
    previous[n] = count(gramKey(s + kOrder - 1, n));
  }
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    const unsigned char* end = s + i + kOrder;
    std::array<float, kOrder + 1> current{};
    float p = kUniform;
    for (int n = 1; n <= kOrder; ++n) {
      current[n] = count(gramKey(end, n));
      // For unigrams the context is all the text.
      const float context = n == 1 ? total : previous[n - 1];
      p = (current[n] + kInterpolation * p) / (context + kInterpolation);
    }
    previous = current;
    bits[i] = -std::log2(p);
  }
}

}  // namespace aisafe::detectors::suffix
