#include "webhooks/address_policy.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

namespace aisafe::webhooks {
namespace {

bool inV4(std::uint32_t a, std::uint32_t net, int bits) {
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (a & mask) == (net & mask);
}

bool isPublicV4(const boost::asio::ip::address_v4& v4) {
  const std::uint32_t a = v4.to_uint();
  struct Range {
    std::uint32_t net;
    int bits;
  };
  static constexpr std::array<Range, 15> kRefused = {{
      {0x00000000, 8},   // "this" network
      {0x0A000000, 8},   // 10/8 private
      {0x64400000, 10},  // 100.64/10 carrier-grade NAT
      {0x7F000000, 8},   // loopback
      {0xA9FE0000, 16},  // 169.254/16 link-local, cloud metadata
      {0xAC100000, 12},  // 172.16/12 private
      {0xC0000000, 24},  // 192.0.0/24 protocol assignments
      {0xC0000200, 24},  // 192.0.2/24 documentation
      {0xC0A80000, 16},  // 192.168/16 private
      {0xC6120000, 15},  // 198.18/15 benchmarking
      {0xC6336400, 24},  // 198.51.100/24 documentation
      {0xCB007100, 24},  // 203.0.113/24 documentation
      {0xE0000000, 4},   // multicast
      {0xF0000000, 4},   // reserved, broadcast
      {0x00000000, 32},  // unspecified (covered by 0/8; kept for clarity)
  }};
  for (const auto& r : kRefused) {
    if (inV4(a, r.net, r.bits)) {
      return false;
    }
  }
  return true;
}

// One inet_aton part, at most `max`: decimal, 0x hexadecimal (digits optional, as in glibc) or
// 0 octal.
std::optional<std::uint32_t> parsePart(std::string_view part, std::uint32_t max) {
  if (part.empty()) {
    return std::nullopt;
  }
  unsigned base = 10;
  if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
    base = 16;
    part.remove_prefix(2);
  } else if (part.size() >= 2 && part[0] == '0') {
    base = 8;
    part.remove_prefix(1);
  }
  std::uint64_t value = 0;
  for (const char c : part) {
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a') + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A') + 10;
    } else {
      return std::nullopt;
    }
    if (digit >= base) {
      return std::nullopt;
    }
    value = value * base + digit;
    if (value > max) {
      return std::nullopt;
    }
  }
  return static_cast<std::uint32_t>(value);
}

}  // namespace

std::optional<boost::asio::ip::address_v4> parseInetAton(std::string_view host) {
  std::array<std::uint32_t, 4> parts{};
  std::size_t count = 0;
  while (true) {
    if (count == parts.size()) {
      return std::nullopt;
    }
    const auto dot = host.find('.');
    const std::string_view text = host.substr(0, dot);
    // Only the last part may be wider than a byte: 8.24, 8.8.16 or 8.8.8.8 bits.
    const bool last = dot == std::string_view::npos;
    const std::uint32_t max = last ? 0xFFFFFFFFU >> (8 * count) : 0xFFU;
    const auto value = parsePart(text, max);
    if (!value) {
      return std::nullopt;
    }
    parts[count++] = *value;
    if (last) {
      break;
    }
    host.remove_prefix(dot + 1);
  }
  std::uint32_t address = 0;
  for (std::size_t i = 0; i + 1 < count; ++i) {
    address |= parts[i] << (24 - 8 * i);
  }
  address |= parts[count - 1];
  return boost::asio::ip::address_v4(address);
}

bool isInternalName(std::string_view host) {
  static constexpr std::array<std::string_view, 9> kNames = {
      "localhost",     "localhost.localdomain", "localhost6", "localhost6.localdomain6",
      "ip6-localhost", "ip6-loopback",          "metadata",   "instance-data",
      "localdomain"};
  if (std::find(kNames.begin(), kNames.end(), host) != kNames.end()) {
    return true;
  }
  return host.ends_with(".localhost") || host.ends_with(".internal") || host == "internal";
}

bool isPublicAddress(const boost::asio::ip::address& address) {
  if (address.is_v4()) {
    return isPublicV4(address.to_v4());
  }
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    return isPublicV4(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6));
  }
  const auto b = v6.to_bytes();
  // NAT64 (64:ff9b::/96) carries an IPv4 address in its last four bytes.
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b &&
      std::all_of(b.begin() + 4, b.begin() + 12, [](unsigned char c) { return c == 0; })) {
    return isPublicV4(boost::asio::ip::address_v4({b[12], b[13], b[14], b[15]}));
  }
  if (v6.is_loopback() || v6.is_unspecified() || v6.is_link_local() || v6.is_multicast() ||
      v6.is_site_local() || v6.is_v4_compatible()) {
    return false;
  }
  if ((b[0] & 0xfe) == 0xfc) {
    return false;  // fc00::/7 unique-local
  }
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) {
    return false;  // 2001:db8::/32
  }
  return true;
}

}  // namespace aisafe::webhooks
