// Delivers the outbox: claims due deliveries (a lease in the database, so several replicas or
// `aisafe worker` processes never send the same attempt at once), signs and sends each with
// the endpoint's current (and rotating) secrets, and records every attempt. A failure is
// retried on the schedule (WEBHOOK_RETRY_SCHEDULE, with ±10% jitter) until it runs out; an
// endpoint whose breaker is open is skipped without spending an attempt; after
// disable_after consecutive failures the endpoint is disabled with the reason. The webhook-id
// is the event's id on every attempt, so receivers can drop duplicates (delivery is at least
// once: a crash after sending but before recording sends again).
//
// This is the job's body, not its thread: the app runs runOnce() under a named worker
// (src/jobs: schedule, graceful stop, metrics), again at once while a batch came back full.
#pragma once

#include <atomic>
#include <chrono>
#include <stop_token>
#include <string_view>
#include <vector>

#include "resilience/circuit_breaker.h"
#include "storage/webhook_delivery_repository.h"
#include "webhooks/endpoint_service.h"
#include "webhooks/sender.h"

namespace aisafe::webhooks {

// "5s,5m,30m,2h,5h,10h,10h": the wait before each retry; s, m, h (and ms) units.
Result<std::vector<std::chrono::milliseconds>> parseRetrySchedule(std::string_view text);

struct WorkerOptions {
  std::vector<std::chrono::milliseconds> schedule;
  int disable_after_failures = 20;
  std::chrono::milliseconds poll{500};
  std::chrono::milliseconds lease{60'000};  // more than one attempt can take
  int batch = 50;
  int concurrency = 8;  // attempts in flight at once (each waits on the network)
  SendOptions send;
};

class DeliveryWorker {
 public:
  DeliveryWorker(storage::WebhookDeliveryRepository& repo, const EndpointService& endpoints,
                 resilience::BreakerRegistry& breakers, WorkerOptions options);

  // Claims up to options.batch due deliveries and attempts them (options.concurrency at once);
  // returns how many it claimed. Once `stop` is requested, claimed deliveries not yet attempted
  // are given back at once, so another worker (or the next start) sends them. An error means
  // nothing could be claimed (the database is away). Thread-safe, but one call at a time keeps
  // the batch and concurrency limits meaningful.
  Result<int> runOnce(std::stop_token stop = {});

  const WorkerOptions& options() const { return options_; }
  std::uint64_t delivered() const { return delivered_.load(); }
  std::uint64_t failedAttempts() const { return failed_.load(); }

 private:
  void attempt(const storage::ClaimedDelivery& c, std::int64_t now_ms);

  storage::WebhookDeliveryRepository& repo_;
  const EndpointService& endpoints_;
  resilience::BreakerRegistry& breakers_;
  WorkerOptions options_;
  std::atomic<std::uint64_t> delivered_{0}, failed_{0};
};

}  // namespace aisafe::webhooks
