#include "webhooks/delivery_worker.h"

#include <charconv>
#include <random>
#include <thread>

#include "core/clock.h"
#include "crypto/random_ids.h"
#include "telemetry/logging.h"

namespace aisafe::webhooks {
namespace {

std::chrono::milliseconds jittered(std::chrono::milliseconds base) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> factor(0.9, 1.1);
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(static_cast<double>(base.count()) * factor(rng)));
}

}  // namespace

Result<std::vector<std::chrono::milliseconds>> parseRetrySchedule(std::string_view text) {
  std::vector<std::chrono::milliseconds> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), n);
    const std::string_view unit(end, static_cast<std::size_t>(item.data() + item.size() - end));
    std::int64_t ms = 0;
    if (unit == "ms") {
      ms = n;
    } else if (unit == "s") {
      ms = n * 1000;
    } else if (unit == "m") {
      ms = n * 60'000;
    } else if (unit == "h") {
      ms = n * 3'600'000;
    }
    if (ec != std::errc() || n <= 0 || ms <= 0 || ms > 7LL * 86'400'000) {
      return invalidArgument("WEBHOOK_RETRY_SCHEDULE: \"" + std::string(item) +
                             "\" is not a wait like 5s, 5m or 2h (at most 7 days)");
    }
    out.emplace_back(ms);
  }
  if (out.empty()) {
    return invalidArgument("WEBHOOK_RETRY_SCHEDULE: empty");
  }
  return out;
}

DeliveryWorker::DeliveryWorker(storage::WebhookDeliveryRepository& repo,
                               const EndpointService& endpoints,
                               resilience::BreakerRegistry& breakers, WorkerOptions options)
    : repo_(repo), endpoints_(endpoints), breakers_(breakers), options_(std::move(options)) {}

Result<int> DeliveryWorker::runOnce(std::stop_token stop) {
  const std::int64_t now = clock::nowMs();
  AISAFE_TRY(auto claimed, repo_.claimDue(now, options_.lease.count(), options_.batch));
  // A few attempts at once: each mostly waits on a receiver, and one slow receiver must not
  // hold up the rest of the batch.
  std::atomic<std::size_t> next{0};
  auto drain = [&] {
    for (std::size_t i = next++; i < claimed.size(); i = next++) {
      const auto& c = claimed[i];
      if (stop.stop_requested()) {
        // Not attempted: give it back so another worker (or the next start) sends it.
        (void)repo_.release(c.delivery.id, c.delivery.next_attempt_at);
        continue;
      }
      attempt(c, clock::nowMs());
    }
  };
  const std::size_t helpers =
      std::min<std::size_t>(claimed.size(),
                            static_cast<std::size_t>(std::max(1, options_.concurrency))) -
      (claimed.empty() ? 0 : 1);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < helpers; ++i) {
    threads.emplace_back(drain);
  }
  drain();
  for (auto& t : threads) {
    t.join();
  }
  return static_cast<int>(claimed.size());
}

void DeliveryWorker::attempt(const storage::ClaimedDelivery& c, std::int64_t now_ms) {
  if (!c.endpoint.enabled) {
    // Disabled (by its owner, or after repeated failures): not sent; a retry revives it once
    // the endpoint is enabled again.
    (void)repo_.cancel(
        c.delivery.id,
        "not sent: the endpoint is disabled" +
            (c.endpoint.disabled_reason ? " (" + *c.endpoint.disabled_reason + ")" : std::string()),
        now_ms);
    return;
  }
  resilience::CircuitBreaker& breaker = breakers_.get("webhook:" + c.endpoint.id);
  storage::AttemptOutcome outcome;
  outcome.disable_after_failures = options_.disable_after_failures;
  outcome.attempt.id = crypto::timeOrderedId("att_");
  outcome.attempt.attempt = c.delivery.attempts + 1;
  SendResult result;
  auto secrets = endpoints_.signingSecrets(c.endpoint, now_ms);
  if (!secrets) {
    result.error = "the signing secret cannot be read (was SECRET_KEY changed?); rotate it";
  } else {
    result = send(c.endpoint.url, *secrets, c.delivery.event_id, now_ms / 1000, c.payload,
                  options_.send, breaker, c.traceparent);
    if (result.not_tried) {
      // The endpoint's breaker is open: no attempt spent, back in a moment.
      (void)repo_.release(c.delivery.id, now_ms + 5000);
      return;
    }
  }
  outcome.delivered = result.delivered;
  if (result.status_code != 0) {
    outcome.attempt.status_code = result.status_code;
  }
  outcome.attempt.latency_ms = result.latency_ms;
  if (!result.error.empty()) {
    outcome.attempt.error = result.error;
  }
  outcome.attempt.response_excerpt = result.excerpt;
  if (!result.delivered) {
    const auto index = static_cast<std::size_t>(c.delivery.attempts);
    if (index < options_.schedule.size()) {
      outcome.retry_at = now_ms + jittered(options_.schedule[index]).count();
    }
  }
  (result.delivered ? delivered_ : failed_).fetch_add(1);
  if (auto st = repo_.finish(c, outcome, clock::nowMs()); !st.isOk()) {
    // The lease runs out and the delivery is sent again: at least once, never lost.
    telemetry::logWarn("webhook attempt not recorded",
                       {{"delivery_id", c.delivery.id}, {"error", st.message()}});
  }
}

}  // namespace aisafe::webhooks
