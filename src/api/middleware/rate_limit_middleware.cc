#include "api/middleware/rate_limit_middleware.h"

#include <cmath>

#include <boost/beast/http.hpp>

#include "api/route_spec.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "crypto/random_ids.h"
#include "http/response.h"
#include "telemetry/logging.h"

namespace aisafe::api {
namespace beasthttp = boost::beast::http;

namespace {

struct AppliedLimit {
  const char* name;  // stable: metric label, log row, error message
  const char* what;  // for people
  resilience::RateLimitResult result;
};

std::int64_t ceilSeconds(std::int64_t ms) { return std::max<std::int64_t>(0, (ms + 999) / 1000); }

void setHeaders(http::Response& res, const resilience::RateLimitResult& r) {
  res.set("RateLimit-Limit", std::to_string(r.limit));
  res.set("RateLimit-Remaining", std::to_string(r.remaining));
  res.set("RateLimit-Reset", std::to_string(ceilSeconds(r.reset_ms)));
}

// The applied limit with the smallest share left: what a client should pace itself by.
const AppliedLimit* tightest(const std::vector<AppliedLimit>& applied) {
  const AppliedLimit* best = nullptr;
  double best_share = 2.0;
  for (const auto& a : applied) {
    const double share = static_cast<double>(a.result.remaining) /
                         static_cast<double>(std::max<std::int64_t>(1, a.result.limit));
    if (share < best_share) {
      best_share = share;
      best = &a;
    }
  }
  return best;
}

}  // namespace

http::Middleware rateLimitMiddleware(RateLimitMiddlewareDeps deps) {
  return [deps](http::RequestContext& ctx, const http::Request& req,
                const http::Next& next) -> http::awaitable<http::Response> {
    // Platform operations (/api/v1/admin/..., platform admins only) are exempt: they stay
    // reachable when the operator's organization is at its limit, when they are needed most.
    const api::RouteSpec* spec = api::routeSpecOf(ctx);
    if (ctx.organization_id.empty() || spec == nullptr ||
        spec->rate_limit == api::RateLimitCharge::kExempt) {
      co_return co_await next(ctx, req);
    }
    tenancy::OrganizationSettings settings;
    if (auto cached = deps.organizations.cachedSettings(ctx.organization_id)) {
      settings = *cached;
    }
    // Settings unreadable (database away): the environment's defaults still apply.

    // Every limit of the request in one call (one Redis round trip), all or nothing.
    std::vector<AppliedLimit> applied;
    std::vector<resilience::Charge> charges;
    applied.reserve(3);
    charges.reserve(3);
    const auto& p = ctx.principal;
    auto add = [&](const char* name, const char* what, std::string key, std::int64_t limit,
                   std::int64_t cost) {
      if (limit <= 0) {
        return;
      }
      applied.push_back({name, what, {}});
      charges.push_back({std::move(key), {.limit = limit}, cost});
    };
    if (p.kind == http::Principal::Kind::kApiKey) {
      add("api_key_requests_per_minute", "API key requests per minute", "rpm:key:" + p.id,
          p.rate_limit_per_minute.value_or(deps.defaults.api_key_requests_per_minute), 1);
    }
    add("organization_requests_per_minute", "organization requests per minute",
        "rpm:org:" + ctx.organization_id,
        settings.rate_limit_per_minute.value_or(deps.defaults.organization_requests_per_minute), 1);
    if (spec->rate_limit == api::RateLimitCharge::kRequestAndCharacters) {
      add("organization_characters_per_minute", "organization characters per minute",
          "cpm:org:" + ctx.organization_id,
          settings.characters_per_minute.value_or(deps.defaults.organization_characters_per_minute),
          // Characters are Unicode code points of the body as sent: a cheap, honest measure of
          // what the scan will read, charged before the scan runs.
          static_cast<std::int64_t>(utf8::countCodePoints(req.body())));
    }
    const AppliedLimit* refused = nullptr;
    if (!charges.empty()) {
      const auto results = deps.limiter.consumeAll(charges);
      for (std::size_t i = 0; i < results.size(); ++i) {
        applied[i].result = results[i];
        if (!refused && !results[i].allowed) {
          refused = &applied[i];
        }
      }
    }

    if (refused && refused->result.unavailable) {
      // RATE_LIMIT_FAIL_MODE=closed and Redis away: refuse rather than count nowhere.
      http::Response res = http::errorResponse(
          ctx, beasthttp::status::service_unavailable, "rate_limit_unavailable",
          "rate limits cannot be checked right now (shared state unavailable); retry shortly");
      res.set(beasthttp::field::retry_after, "1");
      co_return res;
    }
    if (refused) {
      const auto& r = refused->result;
      deps.rate_limited.inc({{"limit", refused->name}});
      deps.refusals.enqueue(storage::RateLimitLogRow{
          .id = crypto::timeOrderedId("rlh_"),
          .organization_id = ctx.organization_id,
          .api_key_id = p.kind == http::Principal::Kind::kApiKey ? p.id : "",
          .limit_name = refused->name,
          .route = ctx.route,
          .created_at = clock::nowMs()});
      const std::int64_t retry_s = std::max<std::int64_t>(1, ceilSeconds(r.retry_after_ms));
      http::Response res = http::errorResponse(
          ctx, beasthttp::status::too_many_requests, "rate_limited",
          std::string(refused->what) + " limit reached (" + refused->name + " = " +
              std::to_string(r.limit) + "); retry in " + std::to_string(retry_s) + " s");
      res.set(beasthttp::field::retry_after, std::to_string(retry_s));
      setHeaders(res, r);
      co_return res;
    }
    http::Response res = co_await next(ctx, req);
    if (const AppliedLimit* t = tightest(applied)) {
      setHeaders(res, t->result);
    }
    co_return res;
  };
}

}  // namespace aisafe::api
