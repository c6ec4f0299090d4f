// The background jobs wired into the app (src/jobs): the monitor that gives every job its
// metrics and sends a failed run to Sentry as a failed background job, the workers (audit
// retention; webhook delivery), and which process runs which: `serve` runs each job unless its
// flag turns it off (RETENTION_WORKER, WEBHOOK_WORKER), `aisafe worker` runs them all.
#pragma once

#include <string>
#include <vector>

#include "app/services.h"

namespace aisafe::app {

// The monitor; before anything that reports to it is built (the audit writer).
void createJobMonitor(Services& s);

// For a batch writer with its own thread (audit batching, webhook events, the rate-limit log):
// reports each batch to the monitor as a run of `job`, so it has the same metrics as the
// workers. createJobs() adds its queue depth.
storage::BatchObserver batchObserver(Services& s, std::string job);

// The workers (audit retention, webhook delivery) and the batch writers' queue depths, once
// those exist (after the webhook delivery worker is built). Nothing runs until startJobs().
Status createJobs(Services& s);

enum class JobHost { kServe, kWorker };

// Starts the jobs this process runs; returns their names (for the start-up log). `serve` also
// runs the jobs that only matter where requests are served: API key usage counters and the
// policy refresh.
std::vector<std::string> startJobs(Services& s, JobHost host);

// Asks every job to stop and waits for the runs in progress, then writes the API key usage
// counted since the last flush. Idempotent.
void stopJobs(Services& s);

}  // namespace aisafe::app
