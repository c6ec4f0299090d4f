#include "app/model_call_metrics.h"

#include <cmath>

#include "telemetry/logging.h"

namespace aisafe::app {

namespace {

// Model names are short ("gpt-4o-2024-08-06"); a longer one is cut rather than stored whole.
constexpr std::size_t kMaxModelLabelBytes = 64;

}  // namespace

ModelCallMetrics::ModelCallMetrics(telemetry::Registry& registry, const Config& config)
    : tokens_(registry.counter("aisafe_proxy_tokens_total",
                               "Tokens the model APIs reported for proxied requests, by provider, "
                               "model and kind (prompt, completion)")),
      tokens_by_organization_(
          config.metrics_organization_label
              ? &registry.counter("aisafe_proxy_tokens_by_organization_total",
                                  "Tokens the model APIs reported, by organization id and kind")
              : nullptr),
      first_byte_seconds_(registry.histogram(
          "aisafe_proxy_upstream_first_byte_seconds",
          "Time from sending a proxied request to the model API's answer head, by provider",
          {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60})),
      log_calls_(config.access_log) {}

void ModelCallMetrics::record(const http::RequestContext& ctx, const proxy::ModelCall& call) {
  first_byte_seconds_.observe(call.first_byte_seconds, {{"provider", call.provider}});
  if (call.usage) {
    const std::string model = (call.response_model.empty() ? call.request_model
                                                           : call.response_model)
                                  .substr(0, kMaxModelLabelBytes);
    tokens_.inc({{"provider", call.provider}, {"model", model}, {"kind", "prompt"}},
                static_cast<double>(call.usage->prompt_tokens));
    tokens_.inc({{"provider", call.provider}, {"model", model}, {"kind", "completion"}},
                static_cast<double>(call.usage->completion_tokens));
    if (tokens_by_organization_ != nullptr && !ctx.organization_id.empty()) {
      tokens_by_organization_->inc({{"organization_id", ctx.organization_id}, {"kind", "prompt"}},
                                   static_cast<double>(call.usage->prompt_tokens));
      tokens_by_organization_->inc(
          {{"organization_id", ctx.organization_id}, {"kind", "completion"}},
          static_cast<double>(call.usage->completion_tokens));
    }
  }
  if (log_calls_ && telemetry::logEnabled(telemetry::LogLevel::kInfo)) {
    boost::json::object line{{"request_id", ctx.request_id},
                             {"provider", call.provider},
                             {"operation", call.operation},
                             {"request_model", call.request_model},
                             {"response_model", call.response_model},
                             {"upstream_status", call.status},
                             {"first_byte_ms", std::round(call.first_byte_seconds * 1e5) / 100}};
    if (call.usage) {
      line["prompt_tokens"] = call.usage->prompt_tokens;
      line["completion_tokens"] = call.usage->completion_tokens;
    }
    telemetry::logInfo("model call", std::move(line));
  }
}

}  // namespace aisafe::app
