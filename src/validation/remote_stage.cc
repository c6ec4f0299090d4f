#include "validation/remote_stage.h"

#include "telemetry/trace_context.h"

namespace aisafe::validation {

boost::asio::awaitable<RemoteOutcome> runRemoteDetectors(
    const RemoteStageOptions& options, const Offload& offload, const telemetry::RequestTrace& trace,
    const policy::CompiledPolicy& pol, std::string_view text, std::string_view text_sha256,
    detect::Surface surface, detect::Findings& findings) {
  RemoteOutcome out;
  const auto& remote = pol.pipeline->remoteDetectors();
  if (remote.empty()) {
    co_return out;
  }
  for (const detect::Detector* d : remote) {
    if (!d->surfaces().covers(surface)) {
      continue;
    }
    const std::string name(d->name());
    const auto started = std::chrono::steady_clock::now();
    Status st = Status::ok();
    telemetry::Span span = trace.child("detector." + name);
    detect::RemoteCheck check;
    check.text = text;
    check.surface = surface;
    check.text_sha256 = text_sha256;
    check.deadline = started + options.timeout;
    if (span.context().valid()) {
      check.traceparent = telemetry::formatTraceparent(span.context());
    }
    const std::size_t before = findings.size();
    const detect::RemoteChecker& checker = *d->remoteChecker();
    const auto call = [&] { st = checker.check(check, findings); };
    bool ran = true;
    bool cached = false;
    if (checker.checkCached(check, findings)) {
      cached = true;  // this process has the verdict: no hop, no call
    } else if (offload) {
      ran = co_await offload(call);
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
    if (options.calls != nullptr) {
      options.calls->inc({{"detector", name}, {"outcome", outcome}});
    }
    if (options.seconds != nullptr) {
      options.seconds->observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
          {{"detector", name}});
    }
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

}  // namespace aisafe::validation
