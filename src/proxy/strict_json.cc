#include "proxy/strict_json.h"

#include <string>

#include "core/utf8.h"
#include "http/json_body.h"

namespace aisafe::proxy {
namespace {

Status problem(std::string reason, std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message), std::move(reason));
}

}  // namespace

Result<boost::json::value> parseStrictObject(std::string_view text) {
  if (text.empty()) {
    return problem("empty_body", "the body must be a JSON object");
  }
  if (auto bad = utf8::firstInvalid(text)) {
    return problem("invalid_utf8",
                   "the body is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
  }
  http::StrictJson parsed = http::parseStrictJson(text);
  switch (parsed.problem) {
    case http::JsonProblem::kNone:
      break;
    case http::JsonProblem::kTooDeep:
      return problem("json_too_deep",
                     "JSON nesting is deeper than " + std::to_string(http::kMaxJsonDepth));
    case http::JsonProblem::kDuplicateKey:
      return problem("duplicate_key",
                     "the key \"" + parsed.detail + "\" appears twice in one object");
    case http::JsonProblem::kInvalidNumber:
      return problem("invalid_number",
                     "the number " + parsed.detail + " is outside the range of a double");
    case http::JsonProblem::kInvalid:
      return problem("invalid_json", "the body is not valid JSON: " + parsed.detail);
  }
  if (!parsed.value.is_object()) {
    return problem("invalid_json", "the body must be a JSON object");
  }
  return std::move(parsed.value);
}

}  // namespace aisafe::proxy
