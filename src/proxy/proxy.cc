// The proxy's routes: parse strictly, scan the conversation, forward, scan the answer.
#include "proxy/proxy.h"

#include "http/json_body.h"
#include "http/response_stream.h"
#include "proxy/chat_scan.h"
#include "proxy/chat_stream.h"
#include "proxy/embeddings_scan.h"
#include "proxy/openai_error.h"
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
  return openAiError(ctx, http::Status::bad_request, "invalid_request_error",
                     st.reason().empty() ? "invalid_request" : st.reason(), st.message());
}

// The validation service failed (not a verdict): an unknown policy is the caller's mistake.
Response validationFailure(const RequestContext& ctx, const Status& st) {
  if (st.code() == StatusCode::kNotFound) {
    return openAiError(ctx, http::Status::not_found, "invalid_request_error", "policy_not_found",
                       st.message());
  }
  return openAiError(ctx, http::Status::service_unavailable, "aisafe_error", "scan_failed",
                     "the content could not be checked: " + st.message());
}

// An upstream 5xx: the caller learns what the model API said, marked as the upstream's.
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
  return openAiError(ctx, http::Status::bad_gateway, "upstream_error", "upstream_server_error",
                     "the model API answered " + std::to_string(status) +
                         (upstream_message.empty() ? "" : ": " + upstream_message),
                     json::object{{"upstream_status", status}});
}

// The caller's answer for a call that failed, in OpenAI's shape.
Response failure(const RequestContext& ctx, const Status& st) {
  const UpstreamFailure f = Upstream::failure(st);
  Response res = openAiError(ctx, f.status, "upstream_error", f.code, f.message);
  if (f.status == http::Status::service_unavailable) {
    res.set(bhttp::field::retry_after, "5");
  }
  return res;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Proxy::Proxy(ProxySettings settings, validation::ValidationService& validation,
             resilience::BreakerRegistry& breakers, ModelCallSink* calls)
    : settings_(std::move(settings)),
      validation_(validation),
      calls_(calls),
      openai_(settings_,
              UpstreamConfig{.base_url = settings_.upstream_url,
                             .api_key = settings_.upstream_api_key,
                             .key_header = UpstreamConfig::KeyHeader::kBearer,
                             .forwarded_headers = {"OpenAI-Organization", "OpenAI-Project"}},
              breakers.get("proxy:openai"), client_),
      anthropic_(settings_,
                 UpstreamConfig{.base_url = settings_.anthropic_url,
                                .api_key = settings_.anthropic_api_key,
                                .key_header = UpstreamConfig::KeyHeader::kXApiKey,
                                .forwarded_headers = {"anthropic-version", "anthropic-beta"}},
                 breakers.get("proxy:anthropic"), client_) {}

boost::asio::awaitable<Response> Proxy::chatCompletions(RequestContext& ctx,
                                                        const http::Request& req) {
  auto parsed = parseStrictObject(req.body());
  if (!parsed) {
    co_return invalidRequest(ctx, parsed.status());
  }
  json::value& body = *parsed;
  const auto* stream_flag = body.get_object().if_contains("stream");
  if (stream_flag != nullptr && !(stream_flag->is_bool() || stream_flag->is_null())) {
    co_return invalidRequest(
        ctx, Status(StatusCode::kInvalidArgument, "\"stream\" must be a boolean", "invalid_type"));
  }
  const bool streamed = stream_flag != nullptr && stream_flag->is_bool() && stream_flag->get_bool();
  if (streamed && ctx.stream == nullptr) {
    co_return openAiError(ctx, http::Status::bad_request, "invalid_request_error",
                          "streaming_not_supported", "this server cannot stream answers");
  }
  auto plan = planChatRequest(body.get_object());
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
    co_return contentPolicyError(ctx, request_outcome, "request");
  }
  // A streamed answer reports its tokens only when asked (usage.h); asked after the scan, since
  // the plan points into the body.
  const StreamUsageAsk usage_ask = streamed && settings_.ask_stream_usage
                                       ? askForStreamUsage(body.get_object())
                                       : StreamUsageAsk::kCallerAsked;
  // Unchanged, the bytes the caller sent go on: they are exactly what was scanned (plus
  // stream_options, the one member the proxy may add: decision 0026).
  std::string forward;
  if (request_outcome.redacted || usage_ask == StreamUsageAsk::kSetInOptions) {
    forward = http::serializeJson(body);
  } else if (usage_ask == StreamUsageAsk::kAddedOptions) {
    forward = withStreamUsageOption(req.body());
  } else {
    forward = std::string(req.body());
  }

  ModelCall call{.provider = "openai",
                 .operation = "chat",
                 .request_model = modelOf(body.get_object())};
  const auto sent = std::chrono::steady_clock::now();
  auto stream = co_await openai_.open("POST", "/chat/completions", std::move(forward), req);
  if (!stream) {
    co_return failure(ctx, stream.status());
  }
  const int status = (*stream)->status();
  call.status = status;
  call.first_byte_seconds = secondsSince(sent);
  openai_.recordStatus(status);
  if (streamed && status == 200 &&
      (*stream)->header("Content-Type").find("text/event-stream") != std::string::npos) {
    ctx.decision = request_outcome.redacted ? "redact" : "allow";
    const StreamRelaySettings relay{.holdback_bytes = settings_.stream_holdback_bytes};
    StreamUsage usage{.strip = usage_ask != StreamUsageAsk::kCallerAsked};
    Response relayed =
        co_await relayChatStream(validation_, ctx, policy_id, **stream, *ctx.stream, relay, usage);
    call.response_model = std::move(usage.model);
    call.usage = usage.tokens;
    report(ctx, call);
    co_return relayed;
  }
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
  if (!answer_json) {
    report(ctx, call);
    co_return openAiError(
        ctx, http::Status::bad_gateway, "upstream_error", "bad_upstream_answer",
        "the model API's answer is not a JSON object: " + answer_json.status().message());
  }
  // The tokens were spent whatever the answer's scan decides next.
  call.response_model = modelOf(answer_json->get_object());
  call.usage = openAiUsage(answer_json->get_object());
  report(ctx, call);
  auto answer_plan = planChatResponse(answer_json->get_object());
  if (!answer_plan) {
    co_return openAiError(
        ctx, http::Status::bad_gateway, "upstream_error", "bad_upstream_answer",
        "the model API's answer is not a chat completion: " + answer_plan.status().message());
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
    co_return contentPolicyError(ctx, answer_outcome, "response");
  }
  const bool redacted = request_outcome.redacted || answer_outcome.redacted;
  ctx.decision = redacted ? "redact" : "allow";
  Response res = http::jsonTextResponse(http::Status::ok, answer_outcome.redacted
                                                              ? http::serializeJson(*answer_json)
                                                              : std::move(*answer));
  res.set("X-Aisafe-Decision", ctx.decision);
  if (plan->unscanned_parts > 0) {
    // Images, audio and files reached the model unchecked: say so.
    res.set("X-Aisafe-Unscanned-Parts", std::to_string(plan->unscanned_parts));
  }
  co_return res;
}

boost::asio::awaitable<Response> Proxy::embeddings(RequestContext& ctx,
                                                   const http::Request& req) {
  auto parsed = parseStrictObject(req.body());
  if (!parsed) {
    co_return invalidRequest(ctx, parsed.status());
  }
  json::value& body = *parsed;
  auto plan = planEmbeddingsRequest(body.get_object());
  if (!plan) {
    co_return invalidRequest(ctx, plan.status());
  }
  auto verdicts = co_await scanPlan(validation_, ctx, policyOf(req), *plan);
  if (!verdicts) {
    co_return validationFailure(ctx, verdicts.status());
  }
  const ScanOutcome outcome = applyVerdicts(*plan, *verdicts);
  if (outcome.blocked) {
    ctx.decision = "block";
    co_return contentPolicyError(ctx, outcome, "request");
  }
  // A redacted text is embedded with its placeholders: the secret never reaches the index.
  std::string forward = outcome.redacted ? http::serializeJson(body) : std::string(req.body());
  ModelCall call{.provider = "openai",
                 .operation = "embeddings",
                 .request_model = modelOf(body.get_object())};
  const auto sent = std::chrono::steady_clock::now();
  auto stream = co_await openai_.open("POST", "/embeddings", std::move(forward), req);
  if (!stream) {
    co_return failure(ctx, stream.status());
  }
  const int status = (*stream)->status();
  call.status = status;
  call.first_byte_seconds = secondsSince(sent);
  openai_.recordStatus(status);
  auto answer = co_await (*stream)->readAll(settings_.max_response_bytes);
  if (!answer) {
    co_return failure(ctx, answer.status());
  }
  if (status >= 200 && status < 300) {
    // Read for its usage only: the answer passes as the bytes it came as. The vectors are parsed
    // only when usage is not where OpenAI puts it, last; the model is then unknown, and the
    // metrics fall back to the one asked for.
    call.usage = trailingOpenAiUsage(*answer);
    if (!call.usage) {
      if (auto answer_json = parseStrictObject(*answer)) {
        call.response_model = modelOf(answer_json->get_object());
        call.usage = openAiUsage(answer_json->get_object());
      }
    }
  }
  report(ctx, call);
  if (status >= 500) {
    co_return upstreamServerError(ctx, status, *answer);
  }
  // Vectors carry no text to scan: the answer passes as the upstream gave it.
  ctx.decision = outcome.redacted ? "redact" : "allow";
  Response res = passUpstreamAnswer(**stream, std::move(*answer));
  if (status >= 200 && status < 300) {
    res.set("X-Aisafe-Decision", ctx.decision);
  }
  co_return res;
}

boost::asio::awaitable<Response> Proxy::listModels(RequestContext& ctx, const http::Request& req) {
  auto stream = co_await openai_.open("GET", "/models", std::string(), req);
  if (!stream) {
    co_return failure(ctx, stream.status());
  }
  const int status = (*stream)->status();
  openai_.recordStatus(status);
  auto answer = co_await (*stream)->readAll(settings_.max_response_bytes);
  if (!answer) {
    co_return failure(ctx, answer.status());
  }
  if (status >= 500) {
    co_return upstreamServerError(ctx, status, *answer);
  }
  co_return passUpstreamAnswer(**stream, std::move(*answer));
}

void Proxy::report(const RequestContext& ctx, const ModelCall& call) const {
  setGenAiAttributes(ctx, call);
  if (calls_ != nullptr) {
    calls_->record(ctx, call);
  }
}

void addProxyRoutes(api::RouteHandlers& routes, const std::unique_ptr<Proxy>& proxy) {
  routes.handleAsync("chatCompletions", [&proxy](RequestContext& ctx, const http::Request& req) {
    return proxy->chatCompletions(ctx, req);
  });
  routes.handleAsync("createEmbeddings", [&proxy](RequestContext& ctx, const http::Request& req) {
    return proxy->embeddings(ctx, req);
  });
  routes.handleAsync("listModels", [&proxy](RequestContext& ctx, const http::Request& req) {
    return proxy->listModels(ctx, req);
  });
  routes.handleAsync("anthropicMessages", [&proxy](RequestContext& ctx, const http::Request& req) {
    return proxy->anthropicMessages(ctx, req);
  });
}

}  // namespace aisafe::proxy
