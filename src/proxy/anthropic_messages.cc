// POST /anthropic/v1/messages: Anthropic's Messages API, scanned as chat completions are
// (proxy.cc), answered in Anthropic's error shape. Not streamed yet.
#include <boost/json.hpp>

#include "http/json_body.h"
#include "proxy/anthropic_error.h"
#include "proxy/anthropic_scan.h"
#include "proxy/proxy.h"
#include "proxy/scan_outcome.h"
#include "proxy/scan_request.h"
#include "proxy/strict_json.h"
#include "proxy/usage.h"

namespace aisafe::proxy {
namespace json = boost::json;
namespace bhttp = boost::beast::http;
using http::RequestContext;
using http::Response;

namespace {

Response invalidRequest(const RequestContext& ctx, const Status& st) {
  return anthropicError(
      ctx, http::Status::bad_request, "invalid_request_error", st.message(),
      json::object{{"code", st.reason().empty() ? "invalid_request" : st.reason()}});
}

Response validationFailure(const RequestContext& ctx, const Status& st) {
  if (st.code() == StatusCode::kNotFound) {
    return anthropicError(ctx, http::Status::not_found, "not_found_error", st.message(),
                          json::object{{"code", "policy_not_found"}});
  }
  return anthropicError(ctx, http::Status::service_unavailable, "api_error",
                        "the content could not be checked: " + st.message(),
                        json::object{{"code", "scan_failed"}});
}

Response failure(const RequestContext& ctx, const Status& st) {
  const UpstreamFailure f = Upstream::failure(st);
  Response res =
      anthropicError(ctx, f.status, "api_error", f.message, json::object{{"code", f.code}});
  if (f.status == http::Status::service_unavailable) {
    res.set(bhttp::field::retry_after, "5");
  }
  return res;
}

// An upstream 5xx, with the message Anthropic gave.
Response upstreamServerError(const RequestContext& ctx, int status, const std::string& body) {
  std::string upstream_message;
  if (auto parsed = parseStrictObject(body)) {
    const auto* error = parsed->get_object().if_contains("error");
    if (error != nullptr && error->is_object()) {
      if (const auto* m = error->get_object().if_contains("message"); m && m->is_string()) {
        upstream_message = std::string(m->get_string().subview(0, 500));
      }
    }
  }
  return anthropicError(
      ctx, http::Status::bad_gateway, "api_error",
      "the model API answered " + std::to_string(status) +
          (upstream_message.empty() ? "" : ": " + upstream_message),
      json::object{{"code", "upstream_server_error"}, {"upstream_status", status}});
}

Response notStreamed(const RequestContext& ctx) {
  return anthropicError(ctx, http::Status::bad_request, "invalid_request_error",
                        "this aisafe does not proxy Anthropic's streamed answers yet",
                        json::object{{"code", "streaming_not_supported"}});
}

Response badAnswer(const RequestContext& ctx, const Status& st) {
  return anthropicError(ctx, http::Status::bad_gateway, "api_error",
                        "the model API's answer is not a message: " + st.message(),
                        json::object{{"code", "bad_upstream_answer"}});
}

}  // namespace

boost::asio::awaitable<Response> Proxy::anthropicMessages(RequestContext& ctx,
                                                          const http::Request& req) {
  auto parsed = parseStrictObject(req.body());
  if (!parsed) {
    co_return invalidRequest(ctx, parsed.status());
  }
  json::value& body = *parsed;
  if (const auto* stream = body.get_object().if_contains("stream");
      stream != nullptr && !stream->is_null() && !(stream->is_bool() && !stream->get_bool())) {
    co_return notStreamed(ctx);
  }
  auto plan = planMessagesRequest(body.get_object());
  if (!plan) {
    co_return invalidRequest(ctx, plan.status());
  }
  const std::string policy_id = policyOf(req);
  auto verdicts = co_await scanPlan(validation_, ctx, policy_id, *plan);
  if (!verdicts) {
    co_return validationFailure(ctx, verdicts.status());
  }
  const ScanOutcome request_outcome = applyVerdicts(*plan, *verdicts);
  if (request_outcome.blocked) {
    ctx.decision = "block";
    co_return anthropicPolicyError(ctx, request_outcome, "request");
  }
  std::string forward =
      request_outcome.redacted ? http::serializeJson(body) : std::string(req.body());

  ModelCall call{.provider = "anthropic",
                 .operation = "chat",
                 .request_model = modelOf(body.get_object())};
  const auto sent = std::chrono::steady_clock::now();
  auto stream = co_await anthropic_.open("POST", "/v1/messages", std::move(forward), req);
  if (!stream) {
    co_return failure(ctx, stream.status());
  }
  const int status = (*stream)->status();
  call.status = status;
  call.first_byte_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
  anthropic_.recordStatus(status);
  auto answer = co_await (*stream)->readAll(settings_.max_response_bytes);
  if (!answer) {
    co_return failure(ctx, answer.status());
  }
  if (status < 200 || status >= 300) {
    report(ctx, call);
  }
  if (status >= 500) {
    co_return upstreamServerError(ctx, status, *answer);
  }
  if (status < 200 || status >= 300) {
    co_return passUpstreamAnswer(**stream, std::move(*answer));
  }
  auto answer_json = parseStrictObject(*answer);
  if (answer_json) {
    // The tokens were spent whatever the answer's scan decides next.
    call.response_model = modelOf(answer_json->get_object());
    call.usage = anthropicUsage(answer_json->get_object());
  }
  report(ctx, call);
  auto answer_plan = answer_json ? planMessagesResponse(answer_json->get_object())
                                 : Result<ScanPlan>(answer_json.status());
  if (!answer_plan) {
    co_return badAnswer(ctx, answer_plan.status());
  }
  ScanOutcome answer_outcome;
  if (!answer_plan->slots.empty()) {
    auto answer_verdicts = co_await scanPlan(validation_, ctx, policy_id, *answer_plan);
    if (!answer_verdicts) {
      co_return validationFailure(ctx, answer_verdicts.status());
    }
    answer_outcome = applyVerdicts(*answer_plan, *answer_verdicts);
  }
  if (answer_outcome.blocked) {
    ctx.decision = "block";
    co_return anthropicPolicyError(ctx, answer_outcome, "response");
  }
  ctx.decision = request_outcome.redacted || answer_outcome.redacted ? "redact" : "allow";
  Response res = http::jsonTextResponse(http::Status::ok, answer_outcome.redacted
                                                              ? http::serializeJson(*answer_json)
                                                              : std::move(*answer));
  res.set("X-Aisafe-Decision", ctx.decision);
  if (plan->unscanned_parts > 0) {
    res.set("X-Aisafe-Unscanned-Parts", std::to_string(plan->unscanned_parts));
  }
  co_return res;
}

}  // namespace aisafe::proxy
