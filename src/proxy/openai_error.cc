#include "proxy/openai_error.h"

namespace aisafe::proxy {
namespace json = boost::json;

http::Response openAiError(const http::RequestContext& ctx, http::Status status,
                           std::string_view type, std::string_view code, std::string_view message,
                           json::object extra) {
  json::object error;
  error["message"] = message;
  error["type"] = type;
  error["param"] = nullptr;
  error["code"] = code;
  error["request_id"] = ctx.request_id;
  for (auto& member : extra) {
    error[member.key()] = std::move(member.value());
  }
  return http::jsonResponse(status, json::object{{"error", std::move(error)}});
}

http::Response contentPolicyError(const http::RequestContext& ctx, const ScanOutcome& outcome,
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
  return openAiError(
      ctx, http::Status::bad_request, "content_policy_violation",
      stage == "request" ? "request_blocked" : "response_blocked", message,
      json::object{
          {"stage", stage}, {"categories", std::move(categories)}, {"findings", outcome.findings}});
}

}  // namespace aisafe::proxy
