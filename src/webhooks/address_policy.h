// Which addresses a webhook may reach: public unicast only. Refused: loopback, unspecified,
// private (RFC 1918), carrier-grade NAT (100.64/10), link-local (169.254/16, where cloud
// metadata services live, and fe80::/10), unique-local (fc00::/7, including fd00:ec2::254),
// multicast, broadcast and reserved ranges, and IPv4 addresses embedded in IPv6 (mapped,
// NAT64) that fall in any of those. Used when a URL is stored and again at connect time, after
// DNS resolution, so a name that later resolves inward is still refused.
#pragma once

#include <boost/asio/ip/address.hpp>

namespace aisafe::webhooks {

bool isPublicAddress(const boost::asio::ip::address& address);

}  // namespace aisafe::webhooks
