#include "http/router.h"

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

bool matches(std::string_view pattern, std::string_view path,
             std::map<std::string, std::string>& params) {
  const auto ps = segments(pattern);
  const auto xs = segments(path);
  if (ps.size() != xs.size()) {
    return false;
  }
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < ps.size(); ++i) {
    if (ps[i].size() > 2 && ps[i].front() == '{' && ps[i].back() == '}') {
      found[std::string(ps[i].substr(1, ps[i].size() - 2))] = std::string(xs[i]);
    } else if (ps[i] != xs[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

void Router::add(boost::beast::http::verb method, std::string pattern, Handler handler,
                 Execution execution) {
  routes_.push_back({method, std::move(pattern), std::move(handler), {}, execution});
}

void Router::addAsync(boost::beast::http::verb method, std::string pattern, AsyncHandler handler) {
  routes_.push_back({method, std::move(pattern), {}, std::move(handler), Execution::kInline});
}

RouteMatch Router::match(boost::beast::http::verb method, std::string_view path) const {
  RouteMatch m;
  m.status = Status::not_found;
  for (const auto& r : routes_) {
    std::map<std::string, std::string> params;
    if (!matches(r.pattern, path, params)) {
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
