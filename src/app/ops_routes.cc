// GET /health (the process answers), GET /ready (database reachable, rules loaded, default
// policy compiled; Redis is reported but never makes a node unready: nothing of record lives
// there), GET /metrics (Prometheus text format), GET /api/v1/admin/circuit-breakers.
#include <boost/json.hpp>

#include "app/routes.h"

namespace aisafe::app {
namespace json = boost::json;
namespace beasthttp = boost::beast::http;
using http::Request;
using http::RequestContext;
using http::Response;

void addOpsRoutes(http::Router& router, Services& s) {
  router.add(beasthttp::verb::get, "/health", [](RequestContext&, const Request&) {
    return http::jsonResponse(beasthttp::status::ok, json::object{{"status", "ok"}});
  });
  router.add(
      beasthttp::verb::get, "/ready",
      [&s](RequestContext&, const Request&) {
        const aisafe::Status db = s.db->ping();
        const bool rules = s.registry != nullptr && !s.registry->factories().empty();
        const bool policy = s.policies->compiled(s.config.default_organization_id, "").isOk();
        json::object checks;
        checks["database"] = db.isOk() ? "ok" : db.message();
        checks["rules"] = rules ? "ok" : "not loaded";
        checks["default_policy"] = policy ? "ok" : "not compiled";
        if (s.redis) {
          auto ping = s.redis->command({"PING"});
          checks["redis"] = ping ? "ok" : "unavailable (degraded: " + ping.status().message() + ")";
        }
        const bool ready = db.isOk() && rules && policy;
        return http::jsonResponse(
            ready ? beasthttp::status::ok : beasthttp::status::service_unavailable,
            json::object{{"status", ready ? "ready" : "not_ready"}, {"checks", std::move(checks)}});
      },
      http::Execution::kBlocking);
  router.add(beasthttp::verb::get, "/metrics", [&s](RequestContext&, const Request&) {
    Response res{beasthttp::status::ok, 11};
    res.set(beasthttp::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = s.metrics_registry.render();
    res.prepare_payload();
    return res;
  });
  router.add(beasthttp::verb::get, "/api/v1/admin/circuit-breakers",
             [&s](RequestContext&, const Request&) {
               json::array data;
               for (const auto& b : s.breakers->snapshots()) {
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
}

}  // namespace aisafe::app
