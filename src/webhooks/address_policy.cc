#include "webhooks/address_policy.h"

#include <algorithm>
#include <array>
#include <cstdint>

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

}  // namespace

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
