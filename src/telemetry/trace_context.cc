#include "telemetry/trace_context.h"

#include <chrono>
#include <cstring>
#include <thread>

#include <openssl/rand.h>

#include "core/hex.h"

namespace aisafe::telemetry {
namespace {

constexpr std::size_t kVersion00Length = 55;  // 2 + 1 + 32 + 1 + 16 + 1 + 2

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;  // upper case is refused on purpose: the specification demands lower case
}

// Decodes 2 * out.size() lower-case hex characters; false on any other character.
template <std::size_t N>
bool decodeHex(std::string_view text, std::array<std::uint8_t, N>& out) {
  for (std::size_t i = 0; i < N; ++i) {
    const int hi = hexValue(text[2 * i]);
    const int lo = hexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return false;
    }
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

template <std::size_t N>
bool allZero(const std::array<std::uint8_t, N>& id) {
  for (auto b : id) {
    if (b != 0) {
      return false;
    }
  }
  return true;
}

template <std::size_t N>
std::string hexOf(const std::array<std::uint8_t, N>& id) {
  return hex::encode(id.data(), N);
}

// xoshiro256** (Blackman and Vigna): four words of state, a few cycles per 64 bits.
class Xoshiro {
 public:
  Xoshiro() {
    std::uint64_t seed[4] = {};
    if (RAND_bytes(reinterpret_cast<unsigned char*>(seed), sizeof seed) != 1) {
      // Without OpenSSL's generator (never seen in practice) ids must still differ between
      // threads and processes: time, thread and address are enough for uniqueness.
      const auto t = static_cast<std::uint64_t>(
          std::chrono::high_resolution_clock::now().time_since_epoch().count());
      seed[0] = t;
      seed[1] = std::hash<std::thread::id>{}(std::this_thread::get_id());
      seed[2] = reinterpret_cast<std::uintptr_t>(this);
      seed[3] = t * 0x9E3779B97F4A7C15ULL;
    }
    for (int i = 0; i < 4; ++i) {
      s_[i] = splitmix(seed[i] + static_cast<std::uint64_t>(i));
    }
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  // Spreads a seed over all bits, and never leaves the state all zero.
  static std::uint64_t splitmix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
  }
  std::uint64_t s_[4];
};

Xoshiro& generator() {
  thread_local Xoshiro g;
  return g;
}

}  // namespace

bool SpanContext::valid() const { return !allZero(trace_id) && !allZero(span_id); }

std::optional<SpanContext> parseTraceparent(std::string_view h) {
  if (h.size() < kVersion00Length) {
    return std::nullopt;
  }
  std::array<std::uint8_t, 1> version{};
  if (!decodeHex(h.substr(0, 2), version) || version[0] == 0xFF) {
    return std::nullopt;
  }
  // Version 00 has exactly four fields; a later version may append fields after a '-'.
  if (version[0] == 0 ? h.size() != kVersion00Length
                      : h.size() > kVersion00Length && h[kVersion00Length] != '-') {
    return std::nullopt;
  }
  if (h[2] != '-' || h[35] != '-' || h[52] != '-') {
    return std::nullopt;
  }
  SpanContext c;
  std::array<std::uint8_t, 1> flags{};
  if (!decodeHex(h.substr(3, 32), c.trace_id) || !decodeHex(h.substr(36, 16), c.span_id) ||
      !decodeHex(h.substr(53, 2), flags)) {
    return std::nullopt;
  }
  if (allZero(c.trace_id) || allZero(c.span_id)) {
    return std::nullopt;
  }
  c.sampled = (flags[0] & 0x01) != 0;
  return c;
}

std::string formatTraceparent(const SpanContext& c) {
  std::string out;
  out.reserve(kVersion00Length);
  out += "00-";
  out += hexOf(c.trace_id);
  out += '-';
  out += hexOf(c.span_id);
  out += c.sampled ? "-01" : "-00";
  return out;
}

std::string traceparentOrEmpty(const SpanContext& context) {
  return context.valid() ? formatTraceparent(context) : std::string();
}

std::string toHex(const TraceId& id) { return hexOf(id); }
std::string toHex(const SpanId& id) { return hexOf(id); }

TraceId newTraceId() {
  TraceId id;
  do {
    const std::uint64_t a = generator().next();
    const std::uint64_t b = generator().next();
    std::memcpy(id.data(), &a, 8);
    std::memcpy(id.data() + 8, &b, 8);
  } while (allZero(id));
  return id;
}

SpanId newSpanId() {
  SpanId id;
  do {
    const std::uint64_t a = generator().next();
    std::memcpy(id.data(), &a, 8);
  } while (allZero(id));
  return id;
}

bool sampledByRatio(const TraceId& id, double ratio) {
  if (ratio >= 1.0) {
    return true;
  }
  if (!(ratio > 0.0)) {
    return false;  // also NaN
  }
  std::uint64_t low = 0;
  for (std::size_t i = 8; i < 16; ++i) {
    low = low << 8 | id[i];
  }
  // ratio * 2^64, computed in double: exact enough for a sampling share.
  const auto threshold = static_cast<std::uint64_t>(ratio * 18446744073709551616.0);
  return low < threshold;
}

}  // namespace aisafe::telemetry
