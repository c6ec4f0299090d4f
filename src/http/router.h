// Routes by method and path pattern ("/api/v1/policies/{id}"). Unknown paths answer 404,
// known paths with another method 405 with an Allow header. Routes that block (database
// access) are marked so the server runs them on the blocking pool, off the I/O threads; routes
// that hash passwords run on their own small lane, so that a flood of logins waits (or is
// refused) there instead of occupying the threads every other database route needs. A route
// that waits on a remote service has an asynchronous handler that hands the wait to the
// outbound lane (RequestContext::offload), so a slow service never holds an I/O thread.
// Built at start, read-only afterwards.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "http/request_context.h"
#include "http/response.h"

namespace aisafe::http {

using boost::asio::awaitable;

using Handler = std::function<Response(RequestContext&, const Request&)>;
// For handlers that may suspend (RequestContext::offload); most routes use a plain Handler.
using AsyncHandler = std::function<awaitable<Response>(RequestContext&, const Request&)>;

enum class Execution {
  kInline,      // on the I/O thread: must not block
  kBlocking,    // on the blocking pool (database access)
  kCredential,  // on the credential lane (bcrypt: a quarter of a second of CPU per call)
};

struct Route {
  boost::beast::http::verb method;
  std::string pattern;
  Handler handler;             // one of the two is set
  AsyncHandler async_handler;  // runs on the I/O thread (kInline only)
  Execution execution = Execution::kInline;
  std::vector<std::string> segments;  // of `pattern`, split once when the route is added
  // What the application attached to the route (src/api: the index of its spec); copied to
  // RequestContext::route_tag when the route matches.
  std::size_t tag = kNoRouteTag;
};

struct RouteMatch {
  const Route* route = nullptr;  // null: see status
  std::map<std::string, std::string> params;
  Status status = Status::ok;  // not_found or method_not_allowed when route is null
  std::string allow;           // for 405
};

class Router {
 public:
  void add(boost::beast::http::verb method, std::string pattern, Handler handler,
           Execution execution = Execution::kInline, std::size_t tag = kNoRouteTag);
  void addAsync(boost::beast::http::verb method, std::string pattern, AsyncHandler handler,
                std::size_t tag = kNoRouteTag);
  // `path` without the query string.
  RouteMatch match(boost::beast::http::verb method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace aisafe::http
