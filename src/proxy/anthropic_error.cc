#include "proxy/anthropic_error.h"

#include <string>

namespace aisafe::proxy {
namespace json = boost::json;

http::Response anthropicError(const http::RequestContext& ctx, http::Status status,
                              std::string_view type, std::string_view message, json::object extra) {
  json::object error;
  error["type"] = type;
  error["message"] = message;
  error["request_id"] = ctx.request_id;
  for (auto& member : extra) {
    error[member.key()] = std::move(member.value());
  }
  return http::jsonResponse(status, json::object{{"type", "error"}, {"error", std::move(error)}});
}

http::Response anthropicPolicyError(const http::RequestContext& ctx, const ScanOutcome& outcome,
                                    std::string_view stage) {
  json::array categories;
  std::string list;
  for (const auto& c : outcome.categories) {
    categories.emplace_back(c);
    list += (list.empty() ? "" : ", ") + c;
  }
  const std::string message =
      std::string(stage == "request" ? "The request was blocked by aisafe's policy"
                                     : "The model's answer was blocked by aisafe's policy") +
      (list.empty() ? "" : " (" + list + ")") + "; quote the request_id when reporting it.";
  return anthropicError(
      ctx, http::Status::bad_request, "invalid_request_error", message,
      json::object{{"code", stage == "request" ? "request_blocked" : "response_blocked"},
                   {"stage", stage},
                   {"categories", std::move(categories)},
                   {"findings", outcome.findings}});
}

}  // namespace aisafe::proxy
