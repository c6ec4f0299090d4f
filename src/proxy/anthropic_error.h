// Errors on the Anthropic-compatible route in Anthropic's shape, {"type": "error", "error":
// {"type", "message"}}, which @anthropic-ai/sdk parses into its error types; aisafe's
// request_id (and for a block its evidence) rides along in the error object.
#pragma once

#include <string_view>

#include <boost/json/object.hpp>

#include "http/response.h"
#include "proxy/scan_outcome.h"

namespace aisafe::proxy {

// `extra` members are added to the error object.
http::Response anthropicError(const http::RequestContext& ctx, http::Status status,
                              std::string_view type, std::string_view message,
                              boost::json::object extra = {});

// 400 invalid_request_error with code request_blocked or response_blocked, the categories and
// each blocking finding's field and byte offsets.
http::Response anthropicPolicyError(const http::RequestContext& ctx, const ScanOutcome& outcome,
                                    std::string_view stage);

}  // namespace aisafe::proxy
