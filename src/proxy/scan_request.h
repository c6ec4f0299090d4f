// One call of the validation service for a scan plan: one TextInput per slot, the caller and the
// policy from the request. Shared by the request and answer sides of every proxy route.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

#include "http/request_context.h"
#include "http/response.h"
#include "proxy/chat_scan.h"
#include "validation/validation_service.h"

namespace aisafe::proxy {

// The policy the caller picked with X-Aisafe-Policy; empty: the organization's default.
std::string policyOf(const http::Request& req);

// A request of the caller in `ctx` under `policy_id`, without texts.
validation::ValidationRequest validationRequestOf(const http::RequestContext& ctx,
                                                  const std::string& policy_id);

// Errors: those of ValidationService::validate (kNotFound "policy_not_found"). `plan` must
// outlive the call (co_await it at once).
boost::asio::awaitable<Result<validation::ValidationResult>> scanPlan(
    validation::ValidationService& service, const http::RequestContext& ctx,
    const std::string& policy_id, const ScanPlan& plan);

}  // namespace aisafe::proxy
