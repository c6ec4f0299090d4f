#include "proxy/scan_request.h"

namespace aisafe::proxy {

std::string policyOf(const http::Request& req) {
  const auto it = req.find("X-Aisafe-Policy");
  return it == req.end() ? std::string() : std::string(it->value());
}

validation::ValidationRequest validationRequestOf(const http::RequestContext& ctx,
                                                  const std::string& policy_id) {
  validation::ValidationRequest request;
  request.caller.organization_id = ctx.organization_id;
  request.caller.request_id = ctx.request_id;
  if (ctx.principal.kind == http::Principal::Kind::kApiKey) {
    request.caller.api_key_id = ctx.principal.id;
  }
  request.caller.user_id = ctx.principal.user_id;
  request.caller.started = ctx.started;
  request.policy_id = policy_id;
  request.offload = ctx.offload;
  request.trace = ctx.trace;
  return request;
}

boost::asio::awaitable<Result<validation::ValidationResult>> scanPlan(
    validation::ValidationService& service, const http::RequestContext& ctx,
    const std::string& policy_id, const ScanPlan& plan) {
  validation::ValidationRequest request = validationRequestOf(ctx, policy_id);
  request.texts.reserve(plan.slots.size());
  for (const TextSlot& slot : plan.slots) {
    request.texts.push_back({.text = std::string_view(slot.text->data(), slot.text->size()),
                             .surface = slot.surface,
                             .field = slot.field});
  }
  co_return co_await service.validate(request);
}

}  // namespace aisafe::proxy
