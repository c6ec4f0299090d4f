// /api/v1/webhooks: create (the signing secret shown once), list, get, change, delete, rotate
// the secret, send a signed test event now, and the deliveries of an endpoint. Endpoints of
// another organization answer 404.
#pragma once

#include "api/route_handlers.h"
#include "cache/cache_manager.h"
#include "resilience/circuit_breaker.h"
#include "storage/webhook_delivery_repository.h"
#include "webhooks/endpoint_service.h"
#include "webhooks/sender.h"

namespace aisafe::api {

struct WebhookRouteDeps {
  webhooks::EndpointService& endpoints;
  storage::WebhookDeliveryRepository& deliveries;
  cache::CacheManager& cache;             // changes are announced to the other replicas
  resilience::BreakerRegistry& breakers;  // the test event goes through the endpoint's breaker
  webhooks::SendOptions send;             // as the delivery worker sends
};

// The handlers keep `deps` (its references must outlive the router).
void addWebhookRoutes(RouteHandlers& routes, WebhookRouteDeps deps);

}  // namespace aisafe::api
