#include "api/routes/policy_routes.h"

#include <boost/json.hpp>

#include "api/routes/route_helpers.h"
#include "core/clock.h"
#include "http/json_body.h"

namespace aisafe::api {
namespace json = boost::json;
namespace beasthttp = boost::beast::http;
using http::errorResponse;
using http::Request;
using http::RequestContext;
using http::Response;

namespace {

Response policyError(const RequestContext& ctx, const aisafe::Status& st) {
  if (st.code() == StatusCode::kUnprocessable) {
    return errorResponse(ctx, beasthttp::status::unprocessable_entity, "invalid_policy",
                         st.message());
  }
  return errorResponse(ctx, st);
}

const std::string& pathId(const RequestContext& ctx) { return ctx.path_params.at("id"); }

}  // namespace

void addPolicyRoutes(RouteHandlers& routes, PolicyRouteDeps deps) {
  routes.handle("createPolicy", [deps](RequestContext& ctx, const Request& req) {
    auto body = http::parseJsonObject(ctx, req);
    if (body.error) {
      return std::move(*body.error);
    }
    auto created = deps.policies.create(ctx.organization_id, body.value);
    if (!created) {
      return policyError(ctx, created.status());
    }
    return http::jsonResponse(beasthttp::status::created, policy::toJson(*created));
  });
  routes.handle("listPolicies", [deps](RequestContext& ctx, const Request&) {
    auto all = deps.policies.list(ctx.organization_id);
    if (!all) {
      return errorResponse(ctx, all.status());
    }
    json::array data;
    for (const auto& p : *all) {
      data.push_back(policy::toJson(p));
    }
    return http::listResponse(std::move(data));
  });
  routes.handle("getPolicy", [deps](RequestContext& ctx, const Request&) {
    auto p = deps.policies.get(ctx.organization_id, pathId(ctx));
    if (!p) {
      return errorResponse(ctx, p.status());
    }
    return http::jsonResponse(beasthttp::status::ok, policy::toJson(*p));
  });
  routes.handle("replacePolicy", [deps](RequestContext& ctx, const Request& req) {
    auto body = http::parseJsonObject(ctx, req);
    if (body.error) {
      return std::move(*body.error);
    }
    auto updated = deps.policies.update(ctx.organization_id, pathId(ctx), body.value);
    if (!updated) {
      return policyError(ctx, updated.status());
    }
    return http::jsonResponse(beasthttp::status::ok, policy::toJson(*updated));
  });
  routes.handle("deletePolicy", [deps](RequestContext& ctx, const Request&) {
    if (auto st = deps.policies.remove(ctx.organization_id, pathId(ctx)); !st.isOk()) {
      return errorResponse(ctx, st);
    }
    return noContent();
  });
  routes.handle("listPolicyVersions", [deps](RequestContext& ctx, const Request&) {
    auto versions = deps.policies.versions(ctx.organization_id, pathId(ctx));
    if (!versions) {
      return errorResponse(ctx, versions.status());
    }
    json::array data;
    for (const auto& v : *versions) {
      json::object o;
      o["version"] = v.version;
      o["created_at"] = clock::toRfc3339(v.created_at);
      o["policy"] = policy::toJson(v.spec);
      data.push_back(std::move(o));
    }
    return http::listResponse(std::move(data));
  });
}

}  // namespace aisafe::api
