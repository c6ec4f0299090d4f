#include "app/worker_metrics.h"

#include <boost/json.hpp>

#include "http/response.h"

namespace aisafe::app {
namespace beasthttp = boost::beast::http;

Result<std::unique_ptr<http::Server>> startWorkerMetrics(Services& s) {
  if (s.config.worker_metrics_port == 0) {
    return std::unique_ptr<http::Server>();
  }
  http::Router router;
  router.add(beasthttp::verb::get, "/health", [](http::RequestContext&, const http::Request&) {
    return http::jsonResponse(beasthttp::status::ok, boost::json::object{{"status", "ok"}});
  });
  router.add(
      beasthttp::verb::get, "/metrics",
      [&s](http::RequestContext&, const http::Request&) {
        http::Response res{beasthttp::status::ok, 11};
        res.set(beasthttp::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.body() = s.metrics_registry.render();  // the job queue depths may ask the database
        res.prepare_payload();
        return res;
      },
      http::Execution::kBlocking);
  http::ServerOptions options;
  options.host = s.config.host;
  options.port = s.config.worker_metrics_port;
  options.threads = 1;  // a scraper every few seconds
  options.blocking_threads = 1;
  options.credential_threads = 1;
  options.max_connections = 64;
  auto server = std::make_unique<http::Server>(options, std::move(router), http::MiddlewareChain());
  AISAFE_RETURN_IF_ERROR(server->listen());
  server->start();
  return server;
}

}  // namespace aisafe::app
