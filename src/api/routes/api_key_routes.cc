#include "api/routes/api_key_routes.h"

#include <boost/json.hpp>

#include "api/routes/route_helpers.h"
#include "http/json_body.h"

namespace aisafe::api {
namespace json = boost::json;
namespace beasthttp = boost::beast::http;
using http::errorResponse;
using http::Request;
using http::RequestContext;
using http::Response;

namespace {

const std::string& pathId(const RequestContext& ctx) { return ctx.path_params.at("id"); }

Response keyError(const RequestContext& ctx, const aisafe::Status& st) {
  if (st.code() == StatusCode::kUnprocessable) {
    return errorResponse(ctx, beasthttp::status::unprocessable_entity, "invalid_api_key_fields",
                         st.message());
  }
  return errorResponse(ctx, st);
}

json::object createdJson(const auth::CreatedApiKey& created) {
  json::object o = auth::toJson(created.row);
  o["key"] = created.key;
  o["warning"] = "store this key now: it is not shown again";
  return o;
}

}  // namespace

void addApiKeyRoutes(RouteHandlers& routes, ApiKeyRouteDeps deps) {
  routes.handle("createApiKey", [deps](RequestContext& ctx, const Request& req) {
    auto body = http::parseJsonObject(ctx, req);
    if (body.error) {
      return std::move(*body.error);
    }
    auto fields = auth::parseApiKeyFields(body.value.get_object(), true);
    if (!fields) {
      return keyError(ctx, fields.status());
    }
    auto created = deps.api_keys.create(identityOf(ctx), *fields);
    if (!created) {
      return keyError(ctx, created.status());
    }
    return http::jsonResponse(beasthttp::status::created, createdJson(*created));
  });
  routes.handle("listApiKeys", [deps](RequestContext& ctx, const Request&) {
    auto keys = deps.api_keys.list(ctx.organization_id);
    if (!keys) {
      return errorResponse(ctx, keys.status());
    }
    json::array data;
    for (const auto& k : *keys) {
      data.push_back(auth::toJson(k));
    }
    return http::listResponse(std::move(data));
  });
  routes.handle("getApiKey", [deps](RequestContext& ctx, const Request&) {
    auto key = deps.api_keys.get(ctx.organization_id, pathId(ctx));
    if (!key) {
      return errorResponse(ctx, key.status());
    }
    return http::jsonResponse(beasthttp::status::ok, auth::toJson(*key));
  });
  routes.handle("updateApiKey", [deps](RequestContext& ctx, const Request& req) {
    auto body = http::parseJsonObject(ctx, req);
    if (body.error) {
      return std::move(*body.error);
    }
    auto fields = auth::parseApiKeyFields(body.value.get_object(), false);
    if (!fields) {
      return keyError(ctx, fields.status());
    }
    auto key = deps.api_keys.update(identityOf(ctx), pathId(ctx), *fields);
    if (!key) {
      return keyError(ctx, key.status());
    }
    return http::jsonResponse(beasthttp::status::ok, auth::toJson(*key));
  });
  routes.handle("revokeApiKey", [deps](RequestContext& ctx, const Request&) {
    if (auto st = deps.api_keys.revoke(ctx.organization_id, pathId(ctx)); !st.isOk()) {
      return errorResponse(ctx, st);
    }
    return noContent();
  });
  routes.handle("rotateApiKey", [deps](RequestContext& ctx, const Request&) {
    auto rotated = deps.api_keys.rotate(ctx.organization_id, pathId(ctx));
    if (!rotated) {
      return errorResponse(ctx, rotated.status());
    }
    return http::jsonResponse(beasthttp::status::ok, createdJson(*rotated));
  });
}

}  // namespace aisafe::api
