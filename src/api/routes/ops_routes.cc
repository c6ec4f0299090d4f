#include "api/routes/ops_routes.h"

#include <boost/json.hpp>

#include "http/json_body.h"

namespace aisafe::api {
namespace json = boost::json;
namespace beasthttp = boost::beast::http;
using http::Request;
using http::RequestContext;
using http::Response;

void addOpsRoutes(RouteHandlers& routes, OpsRouteDeps deps) {
  routes.handle("health", [](RequestContext&, const Request&) {
    return http::jsonResponse(beasthttp::status::ok, json::object{{"status", "ok"}});
  });
  routes.handle("ready", [deps](RequestContext&, const Request&) {
    const aisafe::Status db = deps.db.ping();
    const bool rules = !deps.registry.factories().empty();
    const bool policy = deps.policies.compiled(deps.default_organization_id, "").isOk();
    json::object checks;
    checks["database"] = db.isOk() ? "ok" : db.message();
    checks["rules"] = rules ? "ok" : "not loaded";
    checks["default_policy"] = policy ? "ok" : "not compiled";
    if (deps.redis != nullptr) {
      auto ping = deps.redis->command({"PING"});
      checks["redis"] = ping ? "ok" : "unavailable (degraded: " + ping.status().message() + ")";
    }
    const bool draining = deps.draining.load();
    if (draining) {
      checks["shutdown"] = "draining: this replica is stopping";
    }
    // Without the database, validation still answers from the compiled policies and cached
    // keys: the replica stays in rotation, degraded, unless told otherwise (decision 0027).
    const bool serving = rules && policy && !draining;
    const bool degraded = serving && !db.isOk() && !deps.ready_requires_database;
    const bool ready = serving && (db.isOk() || degraded);
    const char* status = draining   ? "draining"
                         : degraded ? "degraded"
                         : ready    ? "ready"
                                    : "not_ready";
    return http::jsonResponse(
        ready ? beasthttp::status::ok : beasthttp::status::service_unavailable,
        json::object{{"status", status}, {"checks", std::move(checks)}});
  });
  routes.handle("metrics", [deps](RequestContext&, const Request&) {
    Response res{beasthttp::status::ok, 11};
    res.set(beasthttp::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = deps.metrics.render();
    res.prepare_payload();
    return res;
  });
  routes.handle("listCircuitBreakers", [deps](RequestContext&, const Request&) {
    json::array data;
    for (const auto& b : deps.breakers.snapshots()) {
      data.push_back(json::object{{"name", b.name},
                                  {"state", resilience::toString(b.state)},
                                  {"consecutive_failures", b.consecutive_failures},
                                  {"successes", b.successes},
                                  {"failures", b.failures},
                                  {"rejected", b.rejected},
                                  {"transitions", b.transitions},
                                  {"open_for_ms", b.open_for_ms}});
    }
    return http::listResponse(std::move(data));
  });
  routes.handle("getCacheStats", [deps](RequestContext&, const Request&) {
    const auto st = deps.cache.stats();
    const auto rate = [](std::uint64_t hits, std::uint64_t misses) {
      const auto total = hits + misses;
      return total == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(total);
    };
    // Every L2 lookup follows an L1 miss; overall misses are the ones that loaded.
    const std::uint64_t all_hits = st.l1.hits + st.l2_hits;
    const std::uint64_t all_misses = st.l1.misses - st.l2_hits;
    return http::jsonResponse(
        beasthttp::status::ok,
        json::object{{"l1", json::object{{"hits", st.l1.hits},
                                         {"misses", st.l1.misses},
                                         {"hit_rate", rate(st.l1.hits, st.l1.misses)},
                                         {"size", st.l1.size},
                                         {"evictions", st.l1.evictions},
                                         {"expirations", st.l1.expirations}}},
                     {"l2", json::object{{"enabled", st.l2_enabled},
                                         {"subscribed", st.subscribed},
                                         {"hits", st.l2_hits},
                                         {"misses", st.l2_misses},
                                         {"hit_rate", rate(st.l2_hits, st.l2_misses)},
                                         {"errors", st.l2_errors}}},
                     {"overall", json::object{{"hits", all_hits},
                                              {"misses", all_misses},
                                              {"hit_rate", rate(all_hits, all_misses)},
                                              {"loads", st.loads},
                                              {"coalesced", st.coalesced},
                                              {"invalidations", st.invalidations}}}});
  });
  routes.handle("invalidateCache", [deps](RequestContext& ctx, const Request& req) {
    auto body = http::parseJsonObject(ctx, req);
    if (body.error) {
      return std::move(*body.error);
    }
    const auto& obj = body.value.get_object();
    if (auto err = http::rejectUnknownFields(ctx, obj, {"namespace"})) {
      return std::move(*err);
    }
    std::optional<std::string> ns;
    if (auto e = http::readString(ctx, obj, "namespace", ns, true)) {
      return std::move(*e);
    }
    const bool printable =
        std::all_of(ns->begin(), ns->end(), [](char c) { return c > 0x20 && c < 0x7f; });
    if (ns->empty() || ns->size() > 200 || !printable) {
      return http::errorResponse(ctx, beasthttp::status::unprocessable_entity, "invalid_namespace",
                                 "namespace: 1 to 200 printable ASCII characters, "
                                 "e.g. \"validation:<organization id>\"");
    }
    deps.cache.invalidate(*ns);
    return http::jsonResponse(beasthttp::status::ok, json::object{{"invalidated", *ns}});
  });
}

}  // namespace aisafe::api
