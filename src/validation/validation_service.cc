#include "validation/validation_service.h"

#include <charconv>
#include <chrono>

#include "crypto/sha256.h"
#include "policy/decision_json.h"

namespace aisafe::validation {
namespace {

// `{detector="<stage>"}`, rendered once per stage and thread: the stage names are the
// detectors' and a few literals, and rendering labels on every request costs allocations.
const std::string& stageLabels(std::string_view stage) {
  thread_local std::vector<std::pair<std::string, std::string>> rendered;
  for (const auto& [name, labels] : rendered) {
    if (name == stage) {
      return labels;
    }
  }
  rendered.emplace_back(std::string(stage),
                        telemetry::renderLabels({{"detector", std::string(stage)}}));
  return rendered.back().second;
}

// One scratch per I/O thread: vectorscan scratch space and normalization buffers are reused
// across requests without locks.
detect::ScanScratch& threadScratch() {
  thread_local detect::ScanScratch scratch;
  return scratch;
}

std::string detectorList(const policy::Decision& d) {
  std::string out = ",";
  for (const auto& f : d.findings) {
    const std::string item = f.detector + ",";
    if (out.find("," + item) == std::string::npos) {
      out += item;
    }
  }
  return out;
}

// The scan's stages into the detector histogram and, when the trace records, onto the scan's
// span: one attribute ("patterns=12.1us,..."), or with trace_detector_stages child spans laid
// end to end from the scan's start. Read right after the scan: the scratch is this thread's.
void reportStages(const ValidationDependencies& deps, const ValidationSettings& settings,
                  const telemetry::RequestTrace& trace, telemetry::Span& scan_span,
                  std::int64_t scan_start_ns) {
  const bool stage_spans = scan_span.recording() && settings.trace_detector_stages;
  std::int64_t stage_start_ns = scan_start_ns;
  std::string stages;
  for (const auto& stage : threadScratch().stage_times) {
    if (deps.detector_seconds != nullptr) {
      deps.detector_seconds->observeRendered(std::chrono::duration<double>(stage.elapsed).count(),
                                             stageLabels(stage.stage));
    }
    if (!scan_span.recording()) {
      continue;
    }
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(stage.elapsed).count();
    if (!stage_spans) {
      char us[24];
      const auto end = std::to_chars(us, us + sizeof us, ns / 1000).ptr;
      stages.append(stages.empty() ? "" : ",").append(stage.stage).append("=");
      stages.append(us, end).append("us");
      continue;
    }
    telemetry::Span span =
        trace.tracer->start("detector." + std::string(stage.stage), telemetry::SpanKind::kInternal,
                            scan_span.context(), stage_start_ns);
    stage_start_ns += ns;
    span.endAt(stage_start_ns);
  }
  if (!stages.empty()) {
    scan_span.setString("aisafe.detector_stages", stages);
  }
}

}  // namespace

const char* surfaceName(detect::Surface surface) {
  switch (surface) {
    case detect::Surface::kOutput:
      return "output";
    case detect::Surface::kRetrieved:
      return "retrieved";
    default:
      return "input";
  }
}

ValidationService::ValidationService(ValidationDependencies dependencies,
                                     ValidationSettings settings,
                                     std::vector<std::unique_ptr<DecisionSink>> sinks)
    : deps_(std::move(dependencies)), settings_(std::move(settings)), sinks_(std::move(sinks)) {}

boost::asio::awaitable<Result<ValidationResult>> ValidationService::validate(
    const ValidationRequest& request) {
  auto compiled = deps_.policies->compiled(request.caller.organization_id, request.policy_id);
  if (!compiled) {
    if (compiled.status().code() == StatusCode::kNotFound) {
      co_return Status(StatusCode::kNotFound,
                       "no policy with id \"" + request.policy_id.substr(0, 100) + "\"",
                       "policy_not_found");
    }
    co_return compiled.status();
  }
  ValidationResult result;
  result.policy = std::move(compiled).value();
  for (const TextInput& input : request.texts) {
    auto verdict = co_await validateText(request, *result.policy, input);
    if (!verdict) {
      co_return verdict.status();
    }
    result.texts.push_back(std::move(verdict).value());
  }
  const auto latency = std::chrono::steady_clock::now() - request.caller.started;
  result.latency_us = std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
  for (std::size_t i = 0; request.report && i < result.texts.size(); ++i) {
    const DecisionEvent event{.caller = request.caller,
                              .policy = *result.policy,
                              .verdict = result.texts[i].verdict,
                              .text = request.texts[i].text,
                              .text_sha256 = result.texts[i].text_sha256,
                              .surface = surfaceName(request.texts[i].surface),
                              .from_cache = result.texts[i].from_cache,
                              .latency_us = result.latency_us,
                              .trace = request.trace};
    for (const auto& sink : sinks_) {
      sink->record(event);
    }
  }
  co_return result;
}

// Identical requests get the stored verdict: same detectors, policy version, surface and text.
// An answer's verdict also depends on the canary key (the organization is in the namespace) and
// on the system prompt it was compared with.
std::string ValidationService::cacheKey(const ValidationRequest& request,
                                        const policy::CompiledPolicy& pol, const TextInput& input,
                                        const std::string& text_sha256) const {
  std::string key = deps_.registry->fingerprint() + ":" + pol.id + ":" +
                    std::to_string(pol.version) + ":" + surfaceName(input.surface) + ":" +
                    text_sha256;
  if (input.surface == detect::Surface::kOutput) {
    for (const auto& check : deps_.output_checks) {
      if (const std::string f = check->fingerprint(); !f.empty()) {
        key += ":" + f;
      }
    }
    if (!request.system_prompt.empty()) {
      key += ":system_prompt=" + crypto::sha256Hex(request.system_prompt);
    }
  }
  if (input.field != "prompt" && input.field != "response") {
    key += ":field=" + input.field;  // the evidence names the field
  }
  return key;
}

boost::asio::awaitable<Result<TextVerdict>> ValidationService::validateText(
    const ValidationRequest& request, const policy::CompiledPolicy& pol, const TextInput& input) {
  TextVerdict out;
  out.text_sha256 = crypto::sha256Hex(input.text);
  const bool output = input.surface == detect::Surface::kOutput;
  const telemetry::RequestTrace& trace = request.trace;

  // peek/set rather than get(): a request never waits on an I/O thread for another request's
  // scan, which costs about as much as waiting.
  const std::string cache_ns = "validation:" + request.caller.organization_id;
  std::string cache_key;
  cache::GetOptions cache_options;
  cache_options.use_l2 = input.text.size() >= settings_.cache_l2_min_bytes;
  const bool cacheable =
      deps_.cache != nullptr && settings_.cache && input.text.size() >= settings_.cache_min_bytes;
  if (cacheable) {
    cache_key = cacheKey(request, pol, input, out.text_sha256);
    telemetry::Span lookup = trace.child("cache.lookup");
    if (auto hit = deps_.cache->peek(cache_ns, cache_key, cache_options)) {
      if (auto cached = fromCacheText(*hit)) {
        out.verdict = std::move(*cached);
        out.from_cache = true;
      }
    }
    lookup.setBool("aisafe.cache.hit", out.from_cache);
  }
  if (out.from_cache) {
    co_return out;
  }

  const auto scan_start = std::chrono::steady_clock::now();
  detect::Findings findings;
  telemetry::Span scan_span = trace.child("scan");
  const std::int64_t scan_start_ns = scan_span.recording() ? telemetry::unixNanosNow() : 0;
  if (auto st = pol.pipeline->scan(input.text, input.surface, threadScratch(), findings);
      !st.isOk()) {
    scan_span.setError(st.message());
    co_return st;
  }
  if (output) {
    // Leak checks need request data the pipeline does not see: the caller's organization (whose
    // canaries count) and the system prompt.
    const detect::OutputCheckInput leak_input{.text = input.text,
                                              .organization_id = request.caller.organization_id,
                                              .system_prompt = request.system_prompt};
    for (const auto& check : deps_.output_checks) {
      check->check(leak_input, findings);
    }
  }
  scan_span.setInt("aisafe.findings", static_cast<std::int64_t>(findings.size()));
  reportStages(deps_, settings_, trace, scan_span, scan_start_ns);
  scan_span.end();

  // decide() runs once except in one case. Without remote detectors the local findings are all
  // there is. With them, the local findings are decided first, since a local block saves the
  // round trip; that decision is also the final one when the remote detectors add no finding.
  // Only when they add some is the merged list decided again, because two decisions cannot be
  // merged: a finding's action depends on the other findings (a classifier finding blocks only
  // when another detector's attack finding corroborates it, even one under min_score, which a
  // decision has already dropped; a quoted attack finding holds back banded ones), and the risk
  // score is a product over all of them.
  const bool has_remote = !pol.pipeline->remoteDetectors().empty();
  telemetry::Span decide_span = trace.child("decide");
  policy::Decision decision = policy::decide(
      pol.spec, has_remote ? detect::Findings(findings) : std::move(findings), input.text);
  // The span times the decision alone but is submitted with the final one (after the remote
  // stage and a fail-closed block), which is what it reports.
  std::int64_t decided_ns = decide_span.recording() ? telemetry::unixNanosNow() : 0;
  RemoteOutcome remote;
  std::chrono::steady_clock::duration remote_time{};
  if (has_remote && decision.action != policy::Action::kBlock) {
    const std::size_t local_findings = findings.size();
    const auto remote_start = std::chrono::steady_clock::now();
    remote = co_await runRemoteDetectors(settings_.remote, request.offload, trace, pol, input.text,
                                         out.text_sha256, input.surface, findings);
    remote_time = std::chrono::steady_clock::now() - remote_start;
    if (findings.size() != local_findings) {
      decide_span.setString("aisafe.decision", policy::decisionName(decision.action));
      decide_span.endAt(decided_ns);
      decide_span = trace.child("decide");
      decision = policy::decide(pol.spec, std::move(findings), input.text);
      decided_ns = decide_span.recording() ? telemetry::unixNanosNow() : 0;
    }
  }
  if (pol.spec.fail_closed) {
    failClosed(decision, remote.degraded, input.text.size());
  }
  decide_span.setString("aisafe.decision", policy::decisionName(decision.action));
  decide_span.endAt(decided_ns);
  if (deps_.scan_seconds != nullptr) {
    deps_.scan_seconds->observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - scan_start - remote_time)
            .count());
  }

  // On the request's memory: the body is rendered and dropped with the request (a cached
  // verdict is stored as text).
  Verdict& fresh = out.verdict;
  fresh.body =
      policy::decisionJson(decision, pol, input.field,
                           request.memory != nullptr ? boost::json::storage_ptr(request.memory)
                                                     : boost::json::storage_ptr());
  if (!remote.degraded.empty()) {
    boost::json::array degraded;
    for (const auto& name : remote.degraded) {
      degraded.emplace_back(name);
    }
    fresh.body["degraded"] = std::move(degraded);
  }
  fresh.decision = std::string(policy::decisionName(decision.action));
  fresh.risk_score = decision.risk_score;
  fresh.detectors = detectorList(decision);
  for (const auto& f : decision.findings) {
    fresh.hits.emplace_back(f.detector, f.category);
  }
  // A degraded answer is not the policy's full answer: the next request asks again.
  if (cacheable && remote.degraded.empty()) {
    deps_.cache->set(cache_ns, cache_key, toCacheText(fresh), cache_options);
  }
  co_return out;
}

}  // namespace aisafe::validation
