// Webhooks wired into the app: the outbox hooks, the validation event queue, the worker.
// (Validation events are queued by validation/sinks/webhook_sink.h.)
#pragma once

#include <memory>
#include <string>

#include <boost/json/object.hpp>

#include "app/services.h"
#include "http/request_context.h"

namespace aisafe::app {

// After the identity services and the cache exist.
Status createWebhookDelivery(Services& s);
Result<std::unique_ptr<webhooks::DeliveryWorker>> makeDeliveryWorker(Services& s);
// How one webhook attempt is made (the worker's and the test route's alike).
webhooks::SendOptions sendOptions(const Services& s);

}  // namespace aisafe::app
