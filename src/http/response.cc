#include "http/response.h"

#include <boost/json.hpp>

namespace aisafe::http {
namespace beasthttp = boost::beast::http;

Response jsonResponse(Status status, const boost::json::value& body) {
  Response res{status, 11};
  res.set(beasthttp::field::content_type, "application/json");
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
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
  switch (status.code()) {
    case StatusCode::kOk:
    case StatusCode::kInternal:
      break;
    case StatusCode::kInvalidArgument:
      return errorResponse(ctx, Status::bad_request, "invalid_request", status.message());
    case StatusCode::kUnprocessable:
      return errorResponse(ctx, Status::unprocessable_entity, "validation_failed",
                           status.message());
    case StatusCode::kNotFound:
      return errorResponse(ctx, Status::not_found, "not_found", status.message());
    case StatusCode::kConflict:
      return errorResponse(ctx, Status::conflict, "conflict", status.message());
    case StatusCode::kUnavailable:
      return errorResponse(ctx, Status::service_unavailable, "unavailable", status.message());
  }
  // Internal details stay in the log; the client gets the request id to quote.
  return errorResponse(ctx, Status::internal_server_error, "internal_error",
                       "internal error; quote the request_id when reporting it");
}

}  // namespace aisafe::http
