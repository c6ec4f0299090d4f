// Where an outbound URL points: scheme, host, port and origin-form target. Shared by the
// synchronous outbound client (outbound_client.h) and the streaming one (outbound_stream.h) so
// both refuse the same URLs (no credentials in URLs, only http and https).
#pragma once

#include <string>

#include "core/status.h"

namespace aisafe::http {

struct OutboundTarget {
  bool tls = false;
  std::string host;  // without the brackets of an IPv6 literal
  std::string port;
  std::string path;  // origin-form: path and query

  std::string origin() const { return (tls ? "https://" : "http://") + host + ":" + port; }
};

// Errors: kInvalidArgument naming what is wrong with `url`.
Result<OutboundTarget> parseOutboundTarget(const std::string& url);

}  // namespace aisafe::http
