// Building responses: JSON bodies and the one error shape every failure uses,
// {"error": {"code", "message", "request_id"}}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/http.hpp>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "core/status.h"
#include "http/request_context.h"

namespace aisafe::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;
using Status = boost::beast::http::status;

Response jsonResponse(Status status, const boost::json::value& body);

// The same for a body already rendered by serializeJson.
Response jsonTextResponse(Status status, std::string body);

// `object` (a JSON object rendered by serializeJson) with "request_id" and "latency_ms" (the
// microseconds as milliseconds) added at its end, as every validation answer ends: what
// serializeJson would write had they been set on the object, without building the fields as
// JSON values or rendering the object again.
std::string withRequestFields(std::string_view object, std::string_view request_id,
                              std::int64_t latency_us);

// The status line and header fields of `res` as HTTP/1.1 sends them, blank line included; the
// body follows as it is (decision 0015).
std::string renderHead(const Response& res);

// 200 with {"data": items}: the shape of every list answer.
Response listResponse(boost::json::array items);

// Boost.JSON 1.81 writes every double in exponent form ("9.5E-1"); valid JSON, but hard to
// read in a terminal. Rewrites such numbers outside strings to plain decimals ("0.95") when
// that is exact and short. Used for every JSON answer.
std::string serializeJson(const boost::json::value& v);

// `code` is a stable machine-readable string (e.g. "invalid_json"); `message` is for people.
Response errorResponse(const RequestContext& ctx, Status status, std::string_view code,
                       std::string_view message);

// Maps an aisafe::Status to its HTTP status and error code.
Response errorResponse(const RequestContext& ctx, const aisafe::Status& status);

}  // namespace aisafe::http
