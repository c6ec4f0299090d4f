// Which texts of an OpenAI chat completion the proxy scans, and as what. A plan points into the
// parsed body: the validation service reads the texts where they are, and a redaction replaces
// them in place, so the body forwarded is the body scanned.
//
// Surfaces (issue 23): system, developer and user content is input; tool and function results
// are retrieved content (indirect injection); the assistant's history, its tool-call arguments
// and refusals are output (leaks); tool definitions (descriptions and every string of their
// parameter schemas) are retrieved content. Images, audio and files pass unscanned and are
// counted, so the answer can say so.
//
// Strictness: anything whose meaning to the upstream the proxy cannot tell (an unknown role, an
// unknown content part, a text that is not a string) is refused rather than passed unscanned.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include "core/status.h"
#include "detect/detector.h"

namespace aisafe::proxy {

struct TextSlot {
  boost::json::string* text;  // inside the parsed body; replaced by a redaction
  std::string field;          // its JSON path, "messages[2].content"
  detect::Surface surface;
};

struct ScanPlan {
  std::vector<TextSlot> slots;      // empty texts are left out
  std::size_t unscanned_parts = 0;  // images, audio, files
};

// A request body of POST /v1/chat/completions. Errors: kInvalidArgument naming the field.
Result<ScanPlan> planChatRequest(boost::json::object& body);

// An answer of POST /v1/chat/completions (not streamed): every choice's content, refusal and
// tool-call arguments, as output. Errors: kInvalidArgument naming the field.
Result<ScanPlan> planChatResponse(boost::json::object& body);

}  // namespace aisafe::proxy
