#include "api/routes/organization_routes.h"

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

constexpr std::int64_t kInvitationValidityMs = 7LL * 86'400'000;

// The organization in the path, if the caller may see it (its own; any for platform admins).
std::optional<Response> checkOwnOrganization(const RequestContext& ctx) {
  const std::string& id = ctx.path_params.at("id");
  if (id == ctx.organization_id || ctx.principal.is_superadmin) {
    return std::nullopt;
  }
  return errorResponse(ctx, beasthttp::status::not_found, "not_found", "organization not found");
}

Response orgError(const RequestContext& ctx, const aisafe::Status& st) {
  if (st.code() == StatusCode::kUnprocessable) {
    return errorResponse(ctx, beasthttp::status::unprocessable_entity, "invalid_organization",
                         st.message());
  }
  return errorResponse(ctx, st);
}

// The role of the caller for member management (API keys with the admin scope act as admins).
std::string actorRole(const RequestContext& ctx) {
  if (ctx.principal.is_superadmin) {
    return "owner";
  }
  if (ctx.principal.kind == http::Principal::Kind::kApiKey) {
    return "admin";
  }
  return ctx.principal.role;
}

}  // namespace

void addOrganizationRoutes(RouteHandlers& routes, OrganizationRouteDeps deps) {
  routes.handle("createOrganization", [deps](RequestContext& ctx, const Request& req) {
    auto body = http::parseJsonObject(ctx, req);
    if (body.error) {
      return std::move(*body.error);
    }
    const auto& obj = body.value.get_object();
    if (auto err = http::rejectUnknownFields(ctx, obj, {"name"})) {
      return std::move(*err);
    }
    std::optional<std::string> name;
    if (auto e = http::readString(ctx, obj, "name", name, true)) {
      return std::move(*e);
    }
    auto org = deps.organizations.create(*name, std::nullopt);
    if (!org) {
      return orgError(ctx, org.status());
    }
    return http::jsonResponse(beasthttp::status::created, tenancy::toJson(*org));
  });
  routes.handle("listOrganizations", [deps](RequestContext& ctx, const Request&) {
    auto orgs = deps.organizations.list();
    if (!orgs) {
      return errorResponse(ctx, orgs.status());
    }
    json::array data;
    for (const auto& o : *orgs) {
      data.push_back(tenancy::toJson(o));
    }
    return http::listResponse(std::move(data));
  });
  routes.handle("getOrganization", [deps](RequestContext& ctx, const Request&) {
    if (auto denied = checkOwnOrganization(ctx)) {
      return std::move(*denied);
    }
    auto org = deps.organizations.get(ctx.path_params.at("id"));
    if (!org) {
      return errorResponse(ctx, org.status());
    }
    return http::jsonResponse(beasthttp::status::ok, tenancy::toJson(*org));
  });
  routes.handle("updateOrganization", [deps](RequestContext& ctx, const Request& req) {
    if (auto denied = checkOwnOrganization(ctx)) {
      return std::move(*denied);
    }
    auto body = http::parseJsonObject(ctx, req);
    if (body.error) {
      return std::move(*body.error);
    }
    auto org = deps.organizations.update(ctx.path_params.at("id"), body.value.get_object());
    if (!org) {
      return orgError(ctx, org.status());
    }
    deps.cache.invalidate("org_settings:" + org->id);  // other replicas' limits, at once
    return http::jsonResponse(beasthttp::status::ok, tenancy::toJson(*org));
  });
  routes.handle("listMembers", [deps](RequestContext& ctx, const Request&) {
    if (auto denied = checkOwnOrganization(ctx)) {
      return std::move(*denied);
    }
    auto members = deps.organizations.members(ctx.path_params.at("id"));
    if (!members) {
      return errorResponse(ctx, members.status());
    }
    json::array data;
    for (const auto& u : *members) {
      data.push_back(tenancy::memberJson(u));
    }
    return http::listResponse(std::move(data));
  });
  routes.handle("createInvitation", [deps](RequestContext& ctx, const Request& req) {
    if (auto denied = checkOwnOrganization(ctx)) {
      return std::move(*denied);
    }
    auto body = http::parseJsonObject(ctx, req);
    if (body.error) {
      return std::move(*body.error);
    }
    const auto& obj = body.value.get_object();
    if (auto err = http::rejectUnknownFields(ctx, obj, {"email", "role"})) {
      return std::move(*err);
    }
    std::optional<std::string> email, role;
    if (auto e = http::readString(ctx, obj, "email", email, true)) {
      return std::move(*e);
    }
    if (auto e = http::readString(ctx, obj, "role", role, false)) {
      return std::move(*e);
    }
    const std::string wanted = role.value_or("member");
    if (wanted == "owner" && actorRole(ctx) != "owner") {
      return errorResponse(ctx, beasthttp::status::forbidden, "owner_required",
                           "only an owner can invite an owner");
    }
    auto inv = deps.organizations.invite(
        ctx.path_params.at("id"), *email, wanted,
        ctx.principal.user_id.empty() ? ctx.principal.id : ctx.principal.user_id,
        kInvitationValidityMs);
    if (!inv) {
      return orgError(ctx, inv.status());
    }
    json::object o;
    o["id"] = inv->row.id;
    o["email"] = inv->row.email;
    o["role"] = inv->row.role;
    o["invitation_token"] = inv->token;
    o["expires_in"] = kInvitationValidityMs / 1000;
    return http::jsonResponse(beasthttp::status::created, o);
  });
  routes.handle("updateMember", [deps](RequestContext& ctx, const Request& req) {
    if (auto denied = checkOwnOrganization(ctx)) {
      return std::move(*denied);
    }
    auto body = http::parseJsonObject(ctx, req);
    if (body.error) {
      return std::move(*body.error);
    }
    const auto& obj = body.value.get_object();
    if (auto err = http::rejectUnknownFields(ctx, obj, {"role"})) {
      return std::move(*err);
    }
    std::optional<std::string> role;
    if (auto e = http::readString(ctx, obj, "role", role, true)) {
      return std::move(*e);
    }
    const std::string& org = ctx.path_params.at("id");
    const std::string& user = ctx.path_params.at("user_id");
    if (auto st = deps.organizations.changeRole(org, actorRole(ctx), user, *role); !st.isOk()) {
      return orgError(ctx, st);
    }
    auto updated = deps.users.byId(user);
    if (!updated) {
      return errorResponse(ctx, updated.status());
    }
    return http::jsonResponse(beasthttp::status::ok, tenancy::memberJson(*updated));
  });
  routes.handle("removeMember", [deps](RequestContext& ctx, const Request&) {
    if (auto denied = checkOwnOrganization(ctx)) {
      return std::move(*denied);
    }
    const std::string& org = ctx.path_params.at("id");
    if (auto st =
            deps.organizations.removeMember(org, actorRole(ctx), ctx.path_params.at("user_id"));
        !st.isOk()) {
      return orgError(ctx, st);
    }
    return noContent();
  });
}

}  // namespace aisafe::api
