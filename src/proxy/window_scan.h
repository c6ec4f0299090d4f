// One scan of a streamed answer's window (held_text.h) by the validation service, as output:
// block, or the redactions to apply to what is released.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>

#include "http/request_context.h"
#include "proxy/held_text.h"
#include "validation/validation_service.h"

namespace aisafe::proxy {

struct WindowVerdict {
  bool block = false;
  std::vector<WindowRedaction> redactions;
  boost::json::array findings;  // the blocking ones, as in the error body
  std::vector<std::string> categories;
};

// `report`: the decision goes to the audit trail, events and metrics (the answer's last window,
// or a block). Errors: those of ValidationService::validate.
boost::asio::awaitable<Result<WindowVerdict>> scanWindow(validation::ValidationService& service,
                                                         const http::RequestContext& ctx,
                                                         const std::string& policy_id,
                                                         std::string_view window,
                                                         const std::string& field, bool report);

// The placeholders a redaction put into `sanitized` for the merged spans of `spans` (sorted
// by start, merged where they overlap, as policy::redact does): what each span became.
std::vector<WindowRedaction> placeholdersOf(std::string_view text, std::string_view sanitized,
                                            std::vector<WindowRedaction> spans);

}  // namespace aisafe::proxy
