// The validation service: every entry point that checks text (the validate routes, the model
// proxy, the offline tools) hands it a ValidationRequest and gets a verdict per text. For each
// text it finds the policy, answers from the cache when an identical text was decided under the
// same policy version, or else scans it (local detectors, the leak checks of answers, the remote
// detectors), decides, and renders the evidence. Every decision is then reported to the decision
// sinks (decision_sink.h): audit trail, events, metrics, trace.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cache/cache_manager.h"
#include "core/status.h"
#include "detect/output_check.h"
#include "detect/registry.h"
#include "policy/compiled_policy.h"
#include "policy/policy_service.h"
#include "telemetry/metrics.h"
#include "validation/decision_sink.h"
#include "validation/remote_stage.h"
#include "validation/validation_request.h"
#include "validation/verdict.h"

namespace aisafe::validation {

// What the service reads; the pointers outlive it, null where optional.
struct ValidationDependencies {
  policy::PolicyService* policies = nullptr;
  const detect::Registry* registry = nullptr;  // its fingerprint is part of cache keys
  cache::CacheManager* cache = nullptr;        // null: no verdict cache
  // Run on output texts after the pipeline (canaries, system prompt echo); owned by the service.
  std::vector<std::unique_ptr<const detect::OutputCheck>> output_checks;
  telemetry::Histogram* scan_seconds = nullptr;
  telemetry::Histogram* detector_seconds = nullptr;  // {detector}, per stage of the scan
};

struct ValidationSettings {
  // Verdicts of texts from cache_min_bytes are cached, in Redis too from cache_l2_min_bytes.
  bool cache = true;
  std::size_t cache_min_bytes = 0;
  std::size_t cache_l2_min_bytes = 0;
  // Per-detector child spans of "scan" rather than one attribute (twice the spans).
  bool trace_detector_stages = false;
  RemoteStageOptions remote;
};

struct TextVerdict {
  Verdict verdict;
  std::string text_sha256;  // hex
  bool from_cache = false;
};

struct ValidationResult {
  std::shared_ptr<const policy::CompiledPolicy> policy;
  std::vector<TextVerdict> texts;  // in the request's order
  std::int64_t latency_us = 0;     // from the request's start to the last decision
};

class ValidationService {
 public:
  ValidationService(ValidationDependencies dependencies, ValidationSettings settings,
                    std::vector<std::unique_ptr<DecisionSink>> sinks);

  // Errors: kNotFound (reason policy_not_found) for an unknown policy, a scan's error otherwise.
  // `request` must outlive the call (co_await it at once).
  boost::asio::awaitable<Result<ValidationResult>> validate(const ValidationRequest& request);

 private:
  boost::asio::awaitable<Result<TextVerdict>> validateText(const ValidationRequest& request,
                                                           const policy::CompiledPolicy& pol,
                                                           const TextInput& input);
  std::string cacheKey(const ValidationRequest& request, const policy::CompiledPolicy& pol,
                       const TextInput& input, const std::string& text_sha256) const;

  ValidationDependencies deps_;
  ValidationSettings settings_;
  std::vector<std::unique_ptr<DecisionSink>> sinks_;
};

// "input", "retrieved" or "output": how the audit trail and metrics name a surface.
const char* surfaceName(detect::Surface surface);

}  // namespace aisafe::validation
