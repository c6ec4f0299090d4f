#include "http/json_body.h"

#include <boost/json.hpp>

#include "core/utf8.h"

namespace aisafe::http {
namespace json = boost::json;

JsonBody parseJsonObject(const RequestContext& ctx, const Request& req, json::storage_ptr storage) {
  JsonBody out;
  const std::string& body = req.body();
  if (body.empty()) {
    out.error = errorResponse(ctx, Status::bad_request, "empty_body",
                              "the request body must be a JSON object");
    return out;
  }
  if (auto bad = utf8::firstInvalid(body)) {
    out.error = errorResponse(ctx, Status::bad_request, "invalid_utf8",
                              "the body is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
    return out;
  }
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  json::value v = json::parse(body, ec, std::move(storage), options);
  if (ec == json::error::too_deep) {
    out.error = errorResponse(ctx, Status::bad_request, "json_too_deep",
                              "JSON nesting is deeper than " + std::to_string(kMaxJsonDepth));
    return out;
  }
  if (ec) {
    out.error = errorResponse(ctx, Status::bad_request, "invalid_json",
                              "the body is not valid JSON: " + ec.message());
    return out;
  }
  if (!v.is_object()) {
    out.error =
        errorResponse(ctx, Status::bad_request, "invalid_json", "the body must be a JSON object");
    return out;
  }
  out.value = std::move(v);
  return out;
}

std::optional<Response> rejectUnknownFields(const RequestContext& ctx, const json::object& obj,
                                            std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : obj) {
    (void)value;
    bool known = false;
    for (auto a : allowed) {
      known = known || key == a;
    }
    if (!known) {
      std::string list;
      for (auto a : allowed) {
        list += std::string(list.empty() ? "" : ", ") + std::string(a);
      }
      return errorResponse(
          ctx, Status::bad_request, "unknown_field",
          "unknown field \"" + std::string(key.substr(0, 100)) + "\" (allowed: " + list + ")");
    }
  }
  return std::nullopt;
}

std::optional<Response> readString(const RequestContext& ctx, const boost::json::object& obj,
                                   std::string_view field, std::optional<std::string>& out,
                                   bool required) {
  const auto* v = obj.if_contains(field);
  if (v == nullptr || v->is_null()) {
    if (!required) {
      return std::nullopt;
    }
    return errorResponse(ctx, Status::bad_request, "missing_field",
                         "\"" + std::string(field) + "\" is required");
  }
  if (!v->is_string()) {
    return errorResponse(ctx, Status::bad_request, "invalid_type",
                         "\"" + std::string(field) + "\" must be a string");
  }
  out = std::string(v->get_string());
  return std::nullopt;
}

}  // namespace aisafe::http
