#include "app/remote_detection.h"

#include "app/semantic_transport.h"

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

}  // namespace aisafe::app
