#include "api/routes/openapi_routes.h"

#include <memory>

#include <boost/json.hpp>

#include "http/response.h"

namespace aisafe::api {
namespace beasthttp = boost::beast::http;

void addOpenApiRoutes(RouteHandlers& routes, const OpenApiInputs& inputs) {
  auto built = buildOpenApiDocument(routeSpecs(), inputs);
  const auto text =
      std::make_shared<const std::string>(built ? boost::json::serialize(*built) : std::string());
  const auto failure =
      std::make_shared<const std::string>(built ? std::string() : built.status().message());
  routes.handle("getOpenApi", [text, failure](http::RequestContext& ctx, const http::Request&) {
    if (!failure->empty()) {
      return http::errorResponse(ctx, beasthttp::status::internal_server_error,
                                 "openapi_unavailable", *failure);
    }
    return http::jsonTextResponse(beasthttp::status::ok, *text);
  });
}

}  // namespace aisafe::api
