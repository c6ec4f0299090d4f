// Which addresses a webhook may reach: public unicast only. Refused: loopback, unspecified,
// private (RFC 1918), carrier-grade NAT (100.64/10), link-local (169.254/16, where cloud
// metadata services live, and fe80::/10), unique-local (fc00::/7, including fd00:ec2::254),
// multicast, broadcast and reserved ranges, and IPv4 addresses embedded in IPv6 (mapped,
// NAT64) that fall in any of those. Used when a URL is stored and again at connect time, after
// DNS resolution, so a name that later resolves inward is still refused.
#pragma once

#include <optional>
#include <string_view>

#include <boost/asio/ip/address.hpp>

namespace aisafe::webhooks {

bool isPublicAddress(const boost::asio::ip::address& address);

// Reads `host` the way inet_aton() (and so curl, browsers and many HTTP clients) does: one to
// four parts separated by dots, each decimal, hexadecimal (0x) or octal (leading 0), the last
// part filling the bytes that remain, so 2130706433, 0x7f000001, 017700000001 and 127.1 are all
// 127.0.0.1. nullopt when `host` is not such a number (a part too large, a stray character). A
// URL's host that parses here is an address, whatever the URL parser called it.
std::optional<boost::asio::ip::address_v4> parseInetAton(std::string_view host);

// Whether `host` (lower case, without a trailing dot) is a name that means this machine or an
// internal service wherever it is resolved: localhost and its variants, ip6-localhost,
// ip6-loopback, metadata, and any name under .localhost or .internal (which covers
// metadata.google.internal and *.ec2.internal).
bool isInternalName(std::string_view host);

}  // namespace aisafe::webhooks
