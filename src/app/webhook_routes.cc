// /api/v1/webhooks: create (the signing secret shown once), list, get, change, delete, and
// rotate the secret. Endpoints of another organization answer 404.
#include <boost/json.hpp>

#include "app/routes.h"
#include "http/json_body.h"

namespace aisafe::app {
namespace json = boost::json;
namespace beasthttp = boost::beast::http;
using http::errorResponse;
using http::Request;
using http::RequestContext;
using http::Response;

namespace {

const std::string& pathId(const RequestContext& ctx) { return ctx.path_params.at("id"); }

Response webhookError(const RequestContext& ctx, const aisafe::Status& st) {
  if (st.code() == StatusCode::kUnprocessable) {
    return errorResponse(ctx, beasthttp::status::unprocessable_entity, "invalid_webhook",
                         st.message());
  }
  if (st.code() == StatusCode::kNotFound) {
    return errorResponse(ctx, beasthttp::status::not_found, "webhook_not_found",
                         "no webhook endpoint with this id");
  }
  return errorResponse(ctx, st);
}

json::object withSecret(const webhooks::CreatedEndpoint& created) {
  json::object o = webhooks::toJson(created.row);
  o["secret"] = created.secret;
  o["warning"] = "store this secret now: it is not shown again";
  return o;
}

}  // namespace

void addWebhookRoutes(http::Router& router, Services& s) {
  constexpr auto kBlocking = http::Execution::kBlocking;
  router.add(
      beasthttp::verb::post, "/api/v1/webhooks",
      [&s](RequestContext& ctx, const Request& req) {
        auto body = http::parseJsonObject(ctx, req);
        if (body.error) return std::move(*body.error);
        auto created = s.webhook_endpoints->create(ctx.organization_id, body.value.get_object(),
                                                   ctx.principal.id);
        if (!created) return webhookError(ctx, created.status());
        return http::jsonResponse(beasthttp::status::created, withSecret(*created));
      },
      kBlocking);
  router.add(
      beasthttp::verb::get, "/api/v1/webhooks",
      [&s](RequestContext& ctx, const Request&) {
        auto rows = s.webhook_endpoints->list(ctx.organization_id);
        if (!rows) return webhookError(ctx, rows.status());
        json::array data;
        for (const auto& r : *rows) data.push_back(webhooks::toJson(r));
        return http::listResponse(std::move(data));
      },
      kBlocking);
  router.add(
      beasthttp::verb::get, "/api/v1/webhooks/{id}",
      [&s](RequestContext& ctx, const Request&) {
        auto row = s.webhook_endpoints->get(ctx.organization_id, pathId(ctx));
        if (!row) return webhookError(ctx, row.status());
        return http::jsonResponse(beasthttp::status::ok, webhooks::toJson(*row));
      },
      kBlocking);
  router.add(
      beasthttp::verb::patch, "/api/v1/webhooks/{id}",
      [&s](RequestContext& ctx, const Request& req) {
        auto body = http::parseJsonObject(ctx, req);
        if (body.error) return std::move(*body.error);
        auto row =
            s.webhook_endpoints->update(ctx.organization_id, pathId(ctx), body.value.get_object());
        if (!row) return webhookError(ctx, row.status());
        return http::jsonResponse(beasthttp::status::ok, webhooks::toJson(*row));
      },
      kBlocking);
  router.add(
      beasthttp::verb::delete_, "/api/v1/webhooks/{id}",
      [&s](RequestContext& ctx, const Request&) {
        if (auto st = s.webhook_endpoints->remove(ctx.organization_id, pathId(ctx)); !st.isOk()) {
          return webhookError(ctx, st);
        }
        return noContent();
      },
      kBlocking);
  router.add(
      beasthttp::verb::post, "/api/v1/webhooks/{id}/rotate-secret",
      [&s](RequestContext& ctx, const Request&) {
        auto rotated = s.webhook_endpoints->rotateSecret(ctx.organization_id, pathId(ctx));
        if (!rotated) return webhookError(ctx, rotated.status());
        return http::jsonResponse(beasthttp::status::ok, withSecret(*rotated));
      },
      kBlocking);
}

}  // namespace aisafe::app
