#include "api/middleware/auth_middleware.h"

#include <boost/beast/http.hpp>

#include "api/route_spec.h"
#include "auth/permissions.h"
#include "http/response.h"

namespace aisafe::api {
namespace beasthttp = boost::beast::http;
using http::errorResponse;

namespace {

// The credential of a request: "Authorization: Bearer X" or "X-API-Key: X".
std::string_view credential(const http::Request& req, bool* is_api_key) {
  if (auto it = req.find("X-API-Key"); it != req.end()) {
    *is_api_key = true;
    return {it->value().data(), it->value().size()};
  }
  auto it = req.find(beasthttp::field::authorization);
  if (it == req.end()) {
    return {};
  }
  std::string_view v(it->value().data(), it->value().size());
  constexpr std::string_view kBearer = "Bearer ";
  if (v.size() <= kBearer.size() || !(v.substr(0, 7) == kBearer || v.substr(0, 7) == "bearer ")) {
    return {};
  }
  v.remove_prefix(kBearer.size());
  *is_api_key = v.rfind("ask_", 0) == 0;
  return v;
}

void setPrincipal(http::RequestContext& ctx, const auth::Identity& id) {
  ctx.organization_id = id.organization_id;
  auto& p = ctx.principal;
  p.kind = id.kind == auth::Identity::Kind::kUser ? http::Principal::Kind::kUser
                                                  : http::Principal::Kind::kApiKey;
  p.id = id.id;
  p.user_id = id.user_id;
  p.role = id.role;
  p.scopes = id.scopes;
  p.is_superadmin = id.is_superadmin;
  p.session_id = id.session_id;
  p.external = id.external;
  p.email = id.email;
  p.rate_limit_per_minute = id.rate_limit_per_minute;
}

bool allowed(const http::Principal& p, auth::Permission perm) {
  using auth::Permission;
  if (perm == Permission::kPublic) {
    return true;
  }
  if (p.kind == http::Principal::Kind::kUser) {
    return p.is_superadmin || auth::roleAllows(p.role, perm);
  }
  if (p.kind == http::Principal::Kind::kApiKey) {
    return perm != Permission::kSelf && perm != Permission::kPlatformAdmin &&
           auth::scopesAllow(p.scopes, perm);
  }
  return false;
}

}  // namespace

http::Middleware authMiddleware(AuthMiddlewareDeps deps) {
  return [deps](http::RequestContext& ctx, const http::Request& req,
                const http::Next& next) -> http::awaitable<http::Response> {
    // No route matched: 404/405 need no credentials and reveal nothing tenant-specific.
    // (Every route the router serves has a spec: the router is built from them.)
    const api::RouteSpec* spec = api::routeSpecOf(ctx);
    if (spec == nullptr) {
      co_return co_await next(ctx, req);
    }
    const auth::Permission perm = spec->permission;
    bool is_api_key = false;
    const std::string_view cred = credential(req, &is_api_key);
    if (!cred.empty()) {
      auto id = is_api_key ? deps.api_keys.authenticate(cred) : deps.auth.verifyAccessToken(cred);
      if (!id) {
        // A public route still answers to a caller with a bad token (login after expiry).
        if (perm == auth::Permission::kPublic) {
          co_return co_await next(ctx, req);
        }
        deps.auth_failures.inc({{"reason", id.status().reason()}});
        co_return errorResponse(ctx, id.status());
      }
      setPrincipal(ctx, *id);
    } else if (perm == auth::Permission::kValidate && deps.allow_anonymous_validate) {
      ctx.organization_id = deps.default_organization_id;
      co_return co_await next(ctx, req);
    }
    if (ctx.principal.kind == http::Principal::Kind::kAnonymous) {
      if (perm == auth::Permission::kPublic) {
        co_return co_await next(ctx, req);
      }
      deps.auth_failures.inc({{"reason", "missing_credentials"}});
      http::Response res =
          errorResponse(ctx, beasthttp::status::unauthorized, "authentication_required",
                        "send an API key (Authorization: Bearer ask_live_... or "
                        "X-API-Key) or an access token");
      res.set(beasthttp::field::www_authenticate, "Bearer");
      co_return res;
    }
    if (!allowed(ctx.principal, perm)) {
      const bool key = ctx.principal.kind == http::Principal::Kind::kApiKey;
      co_return errorResponse(ctx, beasthttp::status::forbidden,
                              key ? "insufficient_scope" : "forbidden",
                              std::string(key ? "this API key lacks the permission "
                                              : "your role lacks the permission ") +
                                  std::string(auth::toString(perm)));
    }
    co_return co_await next(ctx, req);
  };
}

}  // namespace aisafe::api
