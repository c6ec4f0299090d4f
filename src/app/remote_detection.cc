#include "app/remote_detection.h"

#include "app/semantic_transport.h"
#include "telemetry/trace_context.h"

namespace aisafe::app {

Result<std::shared_ptr<detectors::semantic::Client>> makeSemanticClient(
    const Config& config, resilience::BreakerRegistry& breakers) {
  if (config.semantic_detector_url.empty()) {
    return std::shared_ptr<detectors::semantic::Client>();
  }
  auto format = detectors::semantic::parseFormat(config.semantic_detector_format);
  if (!format) {
    return invalidArgument("SEMANTIC_DETECTOR_FORMAT: expected openai-chat or json");
  }
  detectors::semantic::ClientOptions options;
  options.url = config.semantic_detector_url;
  options.format = *format;
  options.model = config.semantic_detector_model;
  options.api_key = config.semantic_detector_api_key;
  options.timeout = std::chrono::milliseconds(config.semantic_detector_timeout_ms);
  options.cache_ttl = std::chrono::seconds(config.semantic_cache_ttl_s);
  resilience::BreakerOptions breaker;
  breaker.failure_threshold = static_cast<int>(config.circuit_breaker_failure_threshold);
  breaker.recovery_timeout = std::chrono::seconds(config.circuit_breaker_recovery_timeout_s);
  breaker.slow_call = options.timeout;
  return std::make_shared<detectors::semantic::Client>(
      std::move(options), makeHttpSemanticTransport(), breakers.get("semantic", breaker), nullptr);
}

http::awaitable<RemoteOutcome> runRemoteDetectors(Services& s, http::RequestContext& ctx,
                                                  const policy::CompiledPolicy& pol,
                                                  std::string_view text,
                                                  std::string_view text_sha256,
                                                  detect::Surface surface,
                                                  detect::Findings& findings) {
  RemoteOutcome out;
  const auto& remote = pol.pipeline->remoteDetectors();
  if (remote.empty()) {
    co_return out;
  }
  if (policy::decide(pol.spec, findings, text).action == policy::Action::kBlock) {
    co_return out;
  }
  for (const detect::Detector* d : remote) {
    if (!d->surfaces().covers(surface)) {
      continue;
    }
    const std::string name(d->name());
    const auto started = std::chrono::steady_clock::now();
    Status st = Status::ok();
    telemetry::Span span = ctx.trace.child("detector." + name);
    detect::RemoteCheck check;
    check.text = text;
    check.surface = surface;
    check.text_sha256 = text_sha256;
    check.deadline = started + std::chrono::milliseconds(s.config.semantic_detector_timeout_ms);
    if (span.context().valid()) {
      check.traceparent = telemetry::formatTraceparent(span.context());
    }
    const std::size_t before = findings.size();
    const auto call = [&] { st = d->check(check, findings); };
    bool ran = true;
    bool cached = false;
    if (d->checkCached(check, findings)) {
      cached = true;  // this process has the verdict: no hop, no call
    } else if (ctx.offload) {
      ran = co_await ctx.offload(call);
    } else {
      call();  // no server around it (tools, tests): the caller may block
    }
    if (!ran) {
      st = Status(StatusCode::kUnavailable, "too many validations are waiting on remote detectors",
                  "lane_full");
    }
    span.setInt("aisafe.findings", static_cast<std::int64_t>(findings.size() - before));
    const std::string outcome = cached ? "cached"
                                : st.isOk()
                                    ? "ok"
                                    : (st.reason().empty() ? std::string("error") : st.reason());
    span.setString("aisafe.detector", name);
    span.setString("aisafe.outcome", outcome);
    if (!st.isOk()) {
      span.setError(st.message());
      out.degraded.push_back(name);
    }
    s.metrics->remote_detector_calls.inc({{"detector", name}, {"outcome", outcome}});
    s.metrics->remote_detector_seconds.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
        {{"detector", name}});
  }
  co_return out;
}

void failClosed(policy::Decision& decision, const std::vector<std::string>& degraded,
                std::size_t text_length) {
  if (degraded.empty()) {
    return;
  }
  decision.action = policy::Action::kBlock;
  decision.sanitized.reset();
  for (const auto& name : degraded) {
    detect::Finding f;
    f.detector = name;
    f.rule_id = name + ".unavailable";
    f.category = "detector_unavailable";
    f.type = name;
    f.severity = detect::Severity::kHigh;
    f.score = 1.0;
    f.start = 0;
    f.end = text_length;
    f.message = "the " + name +
                " detector gave no verdict and the policy blocks in that case "
                "(on_detector_failure: block)";
    f.layer = "text";
    decision.findings.push_back(std::move(f));
    decision.finding_actions.push_back(policy::Action::kBlock);
  }
}

}  // namespace aisafe::app
