#include "api/routes/webhook_routes.h"

#include <boost/json.hpp>

#include "api/routes/route_helpers.h"
#include "core/clock.h"
#include "http/json_body.h"
#include "webhooks/events.h"
#include "webhooks/sender.h"

namespace aisafe::api {
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

json::object deliveryJson(const storage::DeliveryRow& d,
                          const std::vector<storage::AttemptRow>& attempts) {
  json::array list;
  for (const auto& a : attempts) {
    list.push_back(json::object{
        {"attempt", a.attempt},
        {"status_code", a.status_code ? json::value(*a.status_code) : json::value(nullptr)},
        {"latency_ms", a.latency_ms},
        {"error", a.error ? json::value(*a.error) : json::value(nullptr)},
        {"response_excerpt", a.response_excerpt},
        {"at", clock::toRfc3339(a.created_at)}});
  }
  return json::object{
      {"id", d.id},
      {"webhook_id", d.event_id},
      {"event_type", d.event_type},
      {"status", d.status},
      {"attempts", d.attempts},
      {"next_attempt_at", d.status == "pending" ? json::value(clock::toRfc3339(d.next_attempt_at))
                                                : json::value(nullptr)},
      {"last_status_code",
       d.last_status_code ? json::value(*d.last_status_code) : json::value(nullptr)},
      {"last_error", d.last_error ? json::value(*d.last_error) : json::value(nullptr)},
      {"created_at", clock::toRfc3339(d.created_at)},
      {"attempt_log", std::move(list)}};
}

}  // namespace

void addWebhookRoutes(RouteHandlers& routes, WebhookRouteDeps deps) {
  routes.handle("listWebhookDeliveries", [deps](RequestContext& ctx, const Request&) {
    auto row = deps.endpoints.get(ctx.organization_id, pathId(ctx));
    if (!row) {
      return webhookError(ctx, row.status());
    }
    auto deliveries = deps.deliveries.listForEndpoint(ctx.organization_id, row->id, 50);
    if (!deliveries) {
      return errorResponse(ctx, deliveries.status());
    }
    json::array data;
    for (const auto& d : *deliveries) {
      auto attempts = deps.deliveries.attempts(d.id);
      if (!attempts) {
        return errorResponse(ctx, attempts.status());
      }
      data.push_back(deliveryJson(d, *attempts));
    }
    return http::listResponse(std::move(data));
  });
  routes.handle("retryWebhookDelivery", [deps](RequestContext& ctx, const Request&) {
    auto st = deps.deliveries.retry(ctx.organization_id, pathId(ctx),
                                    ctx.path_params.at("delivery_id"), clock::nowMs());
    if (!st.isOk()) {
      return errorResponse(ctx, beasthttp::status::not_found, "delivery_not_found", st.message());
    }
    return http::jsonResponse(beasthttp::status::accepted, json::object{{"status", "pending"}});
  });
  routes.handle("createWebhook", [deps](RequestContext& ctx, const Request& req) {
    auto body = http::parseJsonObject(ctx, req);
    if (body.error) {
      return std::move(*body.error);
    }
    auto created =
        deps.endpoints.create(ctx.organization_id, body.value.get_object(), ctx.principal.id);
    if (!created) {
      return webhookError(ctx, created.status());
    }
    deps.cache.invalidate("webhooks:" + ctx.organization_id);
    return http::jsonResponse(beasthttp::status::created, withSecret(*created));
  });
  routes.handle("listWebhooks", [deps](RequestContext& ctx, const Request&) {
    auto rows = deps.endpoints.list(ctx.organization_id);
    if (!rows) {
      return webhookError(ctx, rows.status());
    }
    json::array data;
    for (const auto& r : *rows) {
      data.push_back(webhooks::toJson(r));
    }
    return http::listResponse(std::move(data));
  });
  routes.handle("getWebhook", [deps](RequestContext& ctx, const Request&) {
    auto row = deps.endpoints.get(ctx.organization_id, pathId(ctx));
    if (!row) {
      return webhookError(ctx, row.status());
    }
    return http::jsonResponse(beasthttp::status::ok, webhooks::toJson(*row));
  });
  routes.handle("updateWebhook", [deps](RequestContext& ctx, const Request& req) {
    auto body = http::parseJsonObject(ctx, req);
    if (body.error) {
      return std::move(*body.error);
    }
    auto row = deps.endpoints.update(ctx.organization_id, pathId(ctx), body.value.get_object());
    if (!row) {
      return webhookError(ctx, row.status());
    }
    deps.cache.invalidate("webhooks:" + ctx.organization_id);
    return http::jsonResponse(beasthttp::status::ok, webhooks::toJson(*row));
  });
  routes.handle("deleteWebhook", [deps](RequestContext& ctx, const Request&) {
    if (auto st = deps.endpoints.remove(ctx.organization_id, pathId(ctx)); !st.isOk()) {
      return webhookError(ctx, st);
    }
    deps.cache.invalidate("webhooks:" + ctx.organization_id);
    return noContent();
  });
  // A signed "webhook.test" event, sent now (not queued), through the endpoint's breaker and the
  // address policy; the answer says what the receiver did. Disabled endpoints are tested too:
  // that is how an owner checks a fix before enabling again.
  routes.handle("testWebhook", [deps](RequestContext& ctx, const Request&) {
    auto row = deps.endpoints.get(ctx.organization_id, pathId(ctx));
    if (!row) {
      return webhookError(ctx, row.status());
    }
    const std::int64_t now_ms = clock::nowMs();
    auto secrets = deps.endpoints.signingSecrets(*row, now_ms);
    if (!secrets) {
      return errorResponse(ctx, beasthttp::status::conflict, "secret_unreadable",
                           "the signing secret cannot be read (was SECRET_KEY changed?); "
                           "rotate it");
    }
    const auto event = webhooks::makeEvent("webhook.test", row->organization_id,
                                           json::object{{"endpoint_id", row->id},
                                                        {"organization_id", row->organization_id},
                                                        {"message", "a test delivery from aisafe"}},
                                           now_ms);
    const std::string& msg_id = event.id;
    const auto result = webhooks::send(row->url, *secrets, msg_id, now_ms / 1000, event.payload,
                                       deps.send, deps.breakers.get("webhook:" + row->id));
    return http::jsonResponse(
        beasthttp::status::ok,
        json::object{
            {"delivered", result.delivered},
            {"webhook_id", msg_id},
            {"status_code",
             result.status_code == 0 ? json::value(nullptr) : json::value(result.status_code)},
            {"latency_ms", result.latency_ms},
            {"error", result.error.empty() ? json::value(nullptr) : json::value(result.error)},
            {"response_excerpt", result.excerpt}});
  });
  routes.handle("rotateWebhookSecret", [deps](RequestContext& ctx, const Request&) {
    auto rotated = deps.endpoints.rotateSecret(ctx.organization_id, pathId(ctx));
    if (!rotated) {
      return webhookError(ctx, rotated.status());
    }
    return http::jsonResponse(beasthttp::status::ok, withSecret(*rotated));
  });
}

}  // namespace aisafe::api
