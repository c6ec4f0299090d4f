// Per-request state that travels through the middleware chain to the handler: who is calling,
// for which organization, and what the request turned into (route, decision) for metrics and
// logs. Created by the server for each request; owned by one coroutine, never shared.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "telemetry/span.h"

namespace aisafe::http {

class ResponseStream;  // response_stream.h

// Who is calling, as the authentication middleware established it.
struct Principal {
  enum class Kind { kAnonymous, kUser, kApiKey };
  Kind kind = Kind::kAnonymous;
  std::string id;                   // user id or API key id
  std::string role;                 // owner, admin, member, viewer (users)
  std::vector<std::string> scopes;  // API key scopes
  bool is_superadmin = false;       // platform administrator (users)
  std::string session_id;           // the refresh-token family behind a user's access token
  std::string user_id;              // users: their id; API keys: the user who created the key
  bool external = false;            // users signed in through single sign-on (no aisafe account)
  std::string email;                // external users: from their token
  std::optional<std::int64_t> rate_limit_per_minute;  // API keys with a limit of their own
};

// A route's tag when the application gave it none, and a request's when no route matched.
constexpr std::size_t kNoRouteTag = static_cast<std::size_t>(-1);

struct RequestContext {
  std::string request_id;
  std::string organization_id;  // set by authentication; empty for anonymous callers
  Principal principal;
  std::string remote_address;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::string route;                               // matched pattern, e.g. "/api/v1/policies/{id}"
  std::size_t route_tag = kNoRouteTag;             // the matched route's tag (router.h)
  std::map<std::string, std::string> path_params;  // from the pattern's {names}
  std::string decision;                            // set by validation handlers
  // Set by the server: runs `work` (which may block on a remote service) on the outbound lane
  // and resumes the request when it is done. co_returns false, without running `work`, when
  // the lane is full: the caller answers without the remote service instead of queueing.
  std::function<boost::asio::awaitable<bool>(std::function<void()> work)> offload;
  telemetry::RequestTrace trace;  // set by the tracing middleware (src/app)
  // Set by the server: sends the answer piece by piece instead of returning it whole
  // (response_stream.h). Null where nothing can stream (handlers called directly in tests).
  ResponseStream* stream = nullptr;
};

}  // namespace aisafe::http
