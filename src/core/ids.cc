#include "core/ids.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>

#include <openssl/rand.h>

namespace aisafe::ids {

std::string random(std::string_view prefix) {
  std::array<unsigned char, 12> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    // RAND_bytes only fails when the OS entropy source is gone; an id must still be unique
    // enough, so fall back to the address-space-randomised counter below.
    static std::uint64_t counter = reinterpret_cast<std::uintptr_t>(&counter);
    for (auto& b : bytes) b = static_cast<unsigned char>(++counter * 0x9E3779B97F4A7C15ULL >> 56);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(prefix);
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

std::string timeOrdered(std::string_view prefix) {
  static std::atomic<std::uint32_t> counter{0};
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  char head[32];
  std::snprintf(head, sizeof head, "%012llx%06x",
                static_cast<unsigned long long>(ms) & 0xFFFFFFFFFFFFULL,
                counter.fetch_add(1) & 0xFFFFFFu);
  return random(std::string(prefix) + head).substr(0, prefix.size() + 18 + 6);
}

std::string newRequestId() { return random("req_"); }

bool isSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace aisafe::ids
