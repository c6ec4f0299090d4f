#include "http/router.h"

#include "core/utf8.h"

namespace aisafe::http {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const std::size_t j = path.find('/', i);
    out.push_back(path.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) {
      break;
    }
    i = j;
  }
  return out;
}

bool isParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// The path is split once per request and compared with each route's pre-split pattern; the
// parameters are only built for the route that matches.
bool matches(const Route& route, const std::vector<std::string_view>& path,
             std::map<std::string, std::string>& params) {
  const std::vector<std::string>& ps = route.segments;
  if (ps.size() != path.size()) {
    return false;
  }
  for (std::size_t i = 0; i < ps.size(); ++i) {
    if (isParameter(ps[i]) ? !utf8::isValid(path[i]) : ps[i] != path[i]) {
      // A parameter that is not UTF-8 names nothing we store, and handlers pass parameters on to
      // the database (PostgreSQL refuses such bytes: a 500 instead of a 404) and into JSON
      // answers (which must be UTF-8). Found by tests/fuzz/http_request_fuzz.cc.
      return false;
    }
  }
  params.clear();
  for (std::size_t i = 0; i < ps.size(); ++i) {
    if (isParameter(ps[i])) {
      params[ps[i].substr(1, ps[i].size() - 2)] = std::string(path[i]);
    }
  }
  return true;
}

std::vector<std::string> ownedSegments(std::string_view pattern) {
  std::vector<std::string> out;
  for (std::string_view s : segments(pattern)) {
    out.emplace_back(s);
  }
  return out;
}

}  // namespace

void Router::add(boost::beast::http::verb method, std::string pattern, Handler handler,
                 Execution execution, std::size_t tag) {
  auto parts = ownedSegments(pattern);
  routes_.push_back(
      {method, std::move(pattern), std::move(handler), {}, execution, std::move(parts), tag});
}

void Router::addAsync(boost::beast::http::verb method, std::string pattern, AsyncHandler handler,
                      std::size_t tag) {
  auto parts = ownedSegments(pattern);
  routes_.push_back({method,
                     std::move(pattern),
                     {},
                     std::move(handler),
                     Execution::kInline,
                     std::move(parts),
                     tag});
}

RouteMatch Router::match(boost::beast::http::verb method, std::string_view path) const {
  RouteMatch m;
  m.status = Status::not_found;
  const std::vector<std::string_view> parts = segments(path);
  std::map<std::string, std::string> params;
  for (const auto& r : routes_) {
    if (!matches(r, parts, params)) {
      continue;
    }
    if (r.method == method) {
      m.route = &r;
      m.params = std::move(params);
      m.status = Status::ok;
      return m;
    }
    m.status = Status::method_not_allowed;
    const std::string name(boost::beast::http::to_string(r.method));
    if (m.allow.find(name) == std::string::npos) {
      m.allow += (m.allow.empty() ? "" : ", ") + name;
    }
  }
  return m;
}

}  // namespace aisafe::http
