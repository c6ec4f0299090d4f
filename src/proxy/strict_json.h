// A JSON object read as strictly as the validate routes read theirs (http/json_body.h: UTF-8,
// depth, duplicate keys, numbers), with the problem as a Status instead of an aisafe error
// answer, so each proxy route can answer in its provider's error shape. Used for callers'
// bodies and for upstream answers alike: what is scanned must mean one thing to every reader.
#pragma once

#include <string_view>

#include <boost/json/value.hpp>

#include "core/status.h"

namespace aisafe::proxy {

// Errors: kInvalidArgument with reason empty_body, invalid_utf8, invalid_json, json_too_deep,
// duplicate_key or invalid_number.
Result<boost::json::value> parseStrictObject(std::string_view text);

}  // namespace aisafe::proxy
