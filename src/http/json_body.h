// Reading JSON request bodies with clear 400 answers: invalid UTF-8, malformed JSON, nesting
// deeper than kMaxJsonDepth, a body that is not an object. Field helpers check types and refuse
// unknown fields, naming the field.
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
