#include "http/outbound_target.h"

#include <boost/url/parse.hpp>

namespace aisafe::http {

Result<OutboundTarget> parseOutboundTarget(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    return invalidArgument("not an absolute URL: " + url);
  }
  OutboundTarget t;
  const auto scheme = parsed->scheme();
  if (scheme == "https") {
    t.tls = true;
  } else if (scheme != "http") {
    return invalidArgument("only http and https URLs are supported");
  }
  t.host = std::string(parsed->encoded_host());
  if (t.host.empty()) {
    return invalidArgument("the URL has no host");
  }
  if (!parsed->encoded_userinfo().empty()) {
    return invalidArgument("credentials in URLs are not allowed");
  }
  // [::1] -> ::1 for the resolver.
  if (t.host.size() > 2 && t.host.front() == '[' && t.host.back() == ']') {
    t.host = t.host.substr(1, t.host.size() - 2);
  }
  t.port = parsed->has_port() ? std::string(parsed->port()) : (t.tls ? "443" : "80");
  t.path = std::string(parsed->encoded_path());
  if (t.path.empty()) {
    t.path = "/";
  }
  if (parsed->has_query()) {
    t.path += "?" + std::string(parsed->encoded_query());
  }
  return t;
}

}  // namespace aisafe::http
