#include "api/routes/auth_routes.h"

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

Response tokenResponse(beasthttp::status status, const auth::TokenPair& t) {
  json::object o;
  o["access_token"] = t.access_token;
  o["refresh_token"] = t.refresh_token;
  o["token_type"] = "bearer";
  o["expires_in"] = t.expires_in;
  return http::jsonResponse(status, o);
}

// Throttled and busy answers carry Retry-After.
Response authError(const RequestContext& ctx, const aisafe::Status& st,
                   std::int64_t retry_after_s = 1) {
  Response res = errorResponse(ctx, st);
  if (st.code() == StatusCode::kTooManyRequests || st.code() == StatusCode::kUnavailable) {
    res.set(beasthttp::field::retry_after, std::to_string(retry_after_s));
  }
  return res;
}

// Accounts that live at the identity provider have no session or password here.
Response ssoManaged(const RequestContext& ctx, const std::string& what) {
  return errorResponse(ctx, beasthttp::status::bad_request, "managed_by_identity_provider",
                       "this account signs in through single sign-on: " + what);
}

Response ssoMe(const AuthRouteDeps& deps, const RequestContext& ctx) {
  auto org = deps.organizations.get(ctx.organization_id);
  if (!org) {
    return errorResponse(ctx, org.status());
  }
  json::object user;
  user["id"] = ctx.principal.id;
  user["email"] = ctx.principal.email;
  user["external"] = true;
  user["issuer"] = deps.oidc_issuer;
  json::object o;
  o["user"] = std::move(user);
  o["organization"] = tenancy::toJson(*org);
  o["role"] = ctx.principal.role;
  return http::jsonResponse(beasthttp::status::ok, o);
}

}  // namespace

void addAuthRoutes(RouteHandlers& routes, AuthRouteDeps deps) {
  // Routes that run bcrypt: a bounded lane of their own (see http/server.h).
  routes.handle("register", [deps](RequestContext& ctx, const Request& req) {
    auto body = http::parseJsonObject(ctx, req);
    if (body.error) {
      return std::move(*body.error);
    }
    const auto& obj = body.value.get_object();
    if (auto err = http::rejectUnknownFields(
            ctx, obj, {"email", "password", "organization_name", "invitation_token"})) {
      return std::move(*err);
    }
    std::optional<std::string> email, password;
    auth::Registration r;
    if (auto e = http::readString(ctx, obj, "email", email, true)) {
      return std::move(*e);
    }
    if (auto e = http::readString(ctx, obj, "password", password, true)) {
      return std::move(*e);
    }
    if (auto e = http::readString(ctx, obj, "organization_name", r.organization_name, false)) {
      return std::move(*e);
    }
    if (auto e = http::readString(ctx, obj, "invitation_token", r.invitation_token, false)) {
      return std::move(*e);
    }
    r.email = *email;
    r.password = *password;
    auto tokens = deps.auth.registerUser(r);
    if (!tokens) {
      return authError(ctx, tokens.status());
    }
    return tokenResponse(beasthttp::status::created, *tokens);
  });
  routes.handle("login", [deps](RequestContext& ctx, const Request& req) {
    auto body = http::parseJsonObject(ctx, req);
    if (body.error) {
      return std::move(*body.error);
    }
    const auto& obj = body.value.get_object();
    if (auto err = http::rejectUnknownFields(ctx, obj, {"email", "password"})) {
      return std::move(*err);
    }
    std::optional<std::string> email, password;
    if (auto e = http::readString(ctx, obj, "email", email, true)) {
      return std::move(*e);
    }
    if (auto e = http::readString(ctx, obj, "password", password, true)) {
      return std::move(*e);
    }
    std::int64_t retry_after = 1;
    auto tokens = deps.auth.login(*email, *password, ctx.remote_address, &retry_after);
    if (!tokens) {
      deps.auth_failures.inc({{"reason", tokens.status().reason()}});
      return authError(ctx, tokens.status(), retry_after);
    }
    return tokenResponse(beasthttp::status::ok, *tokens);
  });
  routes.handle("refreshTokens", [deps](RequestContext& ctx, const Request& req) {
    auto body = http::parseJsonObject(ctx, req);
    if (body.error) {
      return std::move(*body.error);
    }
    const auto& obj = body.value.get_object();
    if (auto err = http::rejectUnknownFields(ctx, obj, {"refresh_token"})) {
      return std::move(*err);
    }
    std::optional<std::string> token;
    if (auto e = http::readString(ctx, obj, "refresh_token", token, true)) {
      return std::move(*e);
    }
    auto tokens = deps.auth.refresh(*token);
    if (!tokens) {
      return authError(ctx, tokens.status());
    }
    return tokenResponse(beasthttp::status::ok, *tokens);
  });
  routes.handle("logout", [deps](RequestContext& ctx, const Request&) {
    if (ctx.principal.external) {
      return ssoManaged(ctx, "sign out at your identity provider");
    }
    if (auto st = deps.auth.logout(ctx.principal.session_id); !st.isOk()) {
      return errorResponse(ctx, st);
    }
    return noContent();
  });
  routes.handle("getMe", [deps](RequestContext& ctx, const Request&) {
    if (ctx.principal.external) {
      return ssoMe(deps, ctx);
    }
    auto user = deps.users.byId(ctx.principal.id);
    if (!user) {
      return errorResponse(ctx, user.status());
    }
    auto org = deps.organizations.get(user->organization_id);
    if (!org) {
      return errorResponse(ctx, org.status());
    }
    json::object o;
    o["user"] = tenancy::memberJson(*user);
    o["organization"] = tenancy::toJson(*org);
    o["role"] = user->role;
    return http::jsonResponse(beasthttp::status::ok, o);
  });
  routes.handle("changePassword", [deps](RequestContext& ctx, const Request& req) {
    if (ctx.principal.external) {
      return ssoManaged(ctx, "change your password at your identity provider");
    }
    auto body = http::parseJsonObject(ctx, req);
    if (body.error) {
      return std::move(*body.error);
    }
    const auto& obj = body.value.get_object();
    if (auto err = http::rejectUnknownFields(ctx, obj, {"current_password", "new_password"})) {
      return std::move(*err);
    }
    std::optional<std::string> current, next;
    if (auto e = http::readString(ctx, obj, "current_password", current, true)) {
      return std::move(*e);
    }
    if (auto e = http::readString(ctx, obj, "new_password", next, true)) {
      return std::move(*e);
    }
    auth::Identity who;
    who.user_id = ctx.principal.id;
    who.session_id = ctx.principal.session_id;
    if (auto st = deps.auth.changePassword(who, *current, *next); !st.isOk()) {
      return authError(ctx, st);
    }
    return noContent();
  });
}

}  // namespace aisafe::api
