// Reading JSON request bodies with clear 400 answers: invalid UTF-8, malformed JSON, nesting
// deeper than kMaxJsonDepth, a key repeated in one object, a number outside the range of a
// double, a body that is not an object. Field helpers check types and refuse unknown fields,
// naming the field.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "http/response.h"

namespace aisafe::http {

// Deep enough for any real policy or metadata object; far below what would exhaust the stack.
constexpr std::size_t kMaxJsonDepth = 64;

// What parseStrictJson() found wrong with a text, if anything.
enum class JsonProblem {
  kNone,
  kInvalid,        // not JSON (detail: the parser's message)
  kTooDeep,        // nesting deeper than kMaxJsonDepth
  kDuplicateKey,   // a key twice in one object, at any depth (detail: the key, cut to 100 bytes)
  kInvalidNumber,  // a number outside the range of a double, such as 1e400 (detail: its text)
};

struct StrictJson {
  boost::json::value value;  // null unless problem is kNone
  JsonProblem problem = JsonProblem::kNone;
  std::string detail;
};

// Parses `text` in one pass, refusing what boost::json::parse lets through: a repeated key (which
// json::object resolves by keeping the last value, while other parsers keep the first, so a
// checked body could mean something else to the model behind us) and a number that overflows to
// infinity. Memory from `storage` as in parseJsonObject(). Never throws.
StrictJson parseStrictJson(std::string_view text, boost::json::storage_ptr storage = {});

// Parsed body, or the error response to send.
struct JsonBody {
  boost::json::value value;
  std::optional<Response> error;
};

// Parses `req`'s body as a JSON object, its memory from `storage` (the default heap when null;
// otherwise the resource must outlive the value).
JsonBody parseJsonObject(const RequestContext& ctx, const Request& req,
                         boost::json::storage_ptr storage = {});

// An error response for the first key of `obj` not in `allowed`, if any.
std::optional<Response> rejectUnknownFields(const RequestContext& ctx,
                                            const boost::json::object& obj,
                                            std::initializer_list<std::string_view> allowed);

// Reads `field` as a string into `out` (left empty when absent or null). An error response when
// it has another type, or when `required` and it is missing.
std::optional<Response> readString(const RequestContext& ctx, const boost::json::object& obj,
                                   std::string_view field, std::optional<std::string>& out,
                                   bool required);

}  // namespace aisafe::http
