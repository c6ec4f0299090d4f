// Which texts of an Anthropic Messages request and answer the proxy scans, and as what (issue
// 23), as chat_scan.h does for OpenAI's chat completions: the plan points into the parsed body,
// so a redaction replaces a text where it is.
//
// Surfaces: the system prompt and the user's text blocks are input; tool_result blocks (what a
// tool returned, in a user turn) are retrieved content; the assistant's text, thinking and
// tool_use inputs are output; tool definitions (description and every string of input_schema)
// are retrieved content. Image and document blocks pass unscanned and are counted. Unknown roles
// and block types are refused.
#pragma once

#include <boost/json/object.hpp>

#include "proxy/chat_scan.h"

namespace aisafe::proxy {

// Errors: kInvalidArgument naming the field.
Result<ScanPlan> planMessagesRequest(boost::json::object& body);
// An answer (not streamed): its content blocks, as output.
Result<ScanPlan> planMessagesResponse(boost::json::object& body);

}  // namespace aisafe::proxy
