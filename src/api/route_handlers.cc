#include "api/route_handlers.h"

#include "api/route_spec.h"

namespace aisafe::api {

void RouteHandlers::handle(std::string_view id, http::Handler handler) {
  auto [it, added] = entries_.try_emplace(std::string(id));
  if (!added && duplicate_.empty()) {
    duplicate_ = std::string(id);
  }
  it->second.handler = std::move(handler);
}

void RouteHandlers::handleAsync(std::string_view id, http::AsyncHandler handler) {
  auto [it, added] = entries_.try_emplace(std::string(id));
  if (!added && duplicate_.empty()) {
    duplicate_ = std::string(id);
  }
  it->second.async_handler = std::move(handler);
}

Result<http::Router> RouteHandlers::build() const {
  if (!duplicate_.empty()) {
    return invalidArgument("route \"" + duplicate_ + "\" has two handlers");
  }
  const auto specs = routeSpecs();
  for (const auto& [id, entry] : entries_) {
    if (findRouteSpec(id) == nullptr) {
      return invalidArgument("a handler for \"" + id + "\", which has no route spec");
    }
  }
  http::Router router;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const RouteSpec& spec = specs[i];
    const auto it = entries_.find(spec.id);
    if (it == entries_.end()) {
      return invalidArgument("route \"" + std::string(spec.id) + "\" has no handler");
    }
    if (it->second.async_handler) {
      if (spec.execution != http::Execution::kInline) {
        return invalidArgument("route \"" + std::string(spec.id) +
                               "\" has an asynchronous handler but does not run inline");
      }
      router.addAsync(spec.method, std::string(spec.pattern), it->second.async_handler, i);
    } else {
      router.add(spec.method, std::string(spec.pattern), it->second.handler, spec.execution, i);
    }
  }
  return router;
}

}  // namespace aisafe::api
