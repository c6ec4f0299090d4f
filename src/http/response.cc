#include "http/response.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include <boost/json.hpp>

namespace aisafe::http {
namespace beasthttp = boost::beast::http;

std::string serializeJson(const boost::json::value& v) {
  std::string in = boost::json::serialize(v);
  if (in.find_first_of("Ee") == std::string::npos) {
    return in;
  }
  std::string out;
  out.reserve(in.size());
  bool in_string = false;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < in.size()) {
        out.push_back(in[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      out.push_back(c);
      continue;
    }
    if (c != '-' && (c < '0' || c > '9')) {
      out.push_back(c);
      continue;
    }
    std::size_t j = i;
    while (j < in.size() && std::strchr("0123456789+-.eE", in[j]) != nullptr) {
      ++j;
    }
    const std::string_view token(in.data() + i, j - i);
    double value = 0;
    const auto parsed = std::from_chars(token.data(), token.data() + token.size(), value);
    char buf[64];
    std::to_chars_result printed{};
    const bool plain = token.find_first_of("Ee") != std::string_view::npos &&
                       parsed.ec == std::errc() && parsed.ptr == token.data() + token.size() &&
                       (value == 0 || (std::fabs(value) >= 1e-6 && std::fabs(value) < 1e15));
    if (plain) {
      printed = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
    }
    if (plain && printed.ec == std::errc()) {
      out.append(buf, printed.ptr);
      // Still a double to a reader: "0.0", not the integer "0".
      if (std::memchr(buf, '.', static_cast<std::size_t>(printed.ptr - buf)) == nullptr) {
        out += ".0";
      }
    } else {
      out.append(token);
    }
    i = j - 1;
  }
  return out;
}

Response jsonResponse(Status status, const boost::json::value& body) {
  Response res{status, 11};
  res.set(beasthttp::field::content_type, "application/json");
  res.body() = serializeJson(body);
  res.prepare_payload();
  return res;
}

Response listResponse(boost::json::array items) {
  return jsonResponse(Status::ok, boost::json::object{{"data", std::move(items)}});
}

Response errorResponse(const RequestContext& ctx, Status status, std::string_view code,
                       std::string_view message) {
  boost::json::object err;
  err["code"] = code;
  err["message"] = message;
  err["request_id"] = ctx.request_id;
  return jsonResponse(status, boost::json::object{{"error", std::move(err)}});
}

Response errorResponse(const RequestContext& ctx, const aisafe::Status& status) {
  auto code = [&](std::string_view fallback) {
    return status.reason().empty() ? fallback : std::string_view(status.reason());
  };
  switch (status.code()) {
    case StatusCode::kOk:
    case StatusCode::kInternal:
      break;
    case StatusCode::kInvalidArgument:
      return errorResponse(ctx, Status::bad_request, code("invalid_request"), status.message());
    case StatusCode::kUnprocessable:
      return errorResponse(ctx, Status::unprocessable_entity, code("validation_failed"),
                           status.message());
    case StatusCode::kNotFound:
      return errorResponse(ctx, Status::not_found, code("not_found"), status.message());
    case StatusCode::kConflict:
      return errorResponse(ctx, Status::conflict, code("conflict"), status.message());
    case StatusCode::kUnauthenticated: {
      Response res =
          errorResponse(ctx, Status::unauthorized, code("unauthenticated"), status.message());
      res.set(boost::beast::http::field::www_authenticate, "Bearer");
      return res;
    }
    case StatusCode::kPermissionDenied:
      return errorResponse(ctx, Status::forbidden, code("forbidden"), status.message());
    case StatusCode::kTooManyRequests:
      return errorResponse(ctx, Status::too_many_requests, code("too_many_requests"),
                           status.message());
    case StatusCode::kUnavailable:
      return errorResponse(ctx, Status::service_unavailable, code("unavailable"), status.message());
  }
  // Internal details stay in the log; the client gets the request id to quote.
  return errorResponse(ctx, Status::internal_server_error, "internal_error",
                       "internal error; quote the request_id when reporting it");
}

}  // namespace aisafe::http
