// The metrics endpoint of `aisafe worker`: GET /metrics (the same registry as serve's, so the
// background jobs' runs, durations, last success and queues) and GET /health, on HOST and
// WORKER_METRICS_PORT. Nothing else: no API route, no credentials, no middleware. Without it a
// worker process's job metrics could not be scraped at all.
#pragma once

#include <memory>

#include "app/services.h"
#include "http/server.h"

namespace aisafe::app {

// Listens and starts when WORKER_METRICS_PORT is set; null (and no error) when it is 0. An
// address already in use is an error: a worker nobody can watch should not start silently.
Result<std::unique_ptr<http::Server>> startWorkerMetrics(Services& s);

}  // namespace aisafe::app
