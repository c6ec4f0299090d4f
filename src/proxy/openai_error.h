// Errors on the proxy routes in OpenAI's shape, {"error": {"message", "type", "param", "code"}},
// because that is what the SDKs parse into their error types; aisafe's request_id rides along
// in the same object, as in every aisafe error.
#pragma once

#include <string_view>

#include <boost/json/object.hpp>

#include "http/response.h"
#include "proxy/scan_outcome.h"

namespace aisafe::proxy {

// `extra` members are added to the error object.
http::Response openAiError(const http::RequestContext& ctx, http::Status status,
                           std::string_view type, std::string_view code, std::string_view message,
                           boost::json::object extra = {});

// 400 content_policy_violation for a blocked request (`stage` "request") or answer ("response"),
// with the categories and each blocking finding's field and byte offsets.
http::Response contentPolicyError(const http::RequestContext& ctx, const ScanOutcome& outcome,
                                  std::string_view stage);

}  // namespace aisafe::proxy
