#include "api/routes/validation_routes.h"

#include <optional>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "core/clock.h"
#include "detectors/canary/canary_token.h"
#include "http/json_body.h"
#include "validation/validation_service.h"

namespace aisafe::api {
namespace json = boost::json;
namespace beasthttp = boost::beast::http;
using http::errorResponse;
using http::Request;
using http::RequestContext;
using http::Response;

namespace {

// The caller, as the audit trail and the events name it.
validation::Caller callerOf(const RequestContext& ctx) {
  validation::Caller caller;
  caller.organization_id = ctx.organization_id;
  caller.request_id = ctx.request_id;
  if (ctx.principal.kind == http::Principal::Kind::kApiKey) {
    caller.api_key_id = ctx.principal.id;
  }
  caller.user_id = ctx.principal.user_id;
  caller.started = ctx.started;
  return caller;
}

// The error answer for a JSON value of the wrong type.
Response wrongType(RequestContext& ctx, std::string_view field, std::string_view expected) {
  return errorResponse(ctx, beasthttp::status::bad_request, "invalid_type",
                       "\"" + std::string(field) + "\" must be " + std::string(expected));
}

// Reads a validate body into `out` (its text, surface, policy and system prompt, which point
// into `obj`), or answers why it cannot. `text_field` is "prompt" or "response".
std::optional<Response> readValidateBody(RequestContext& ctx, const json::object& obj,
                                         const std::string& text_field, detect::Surface surface,
                                         validation::ValidationRequest& out) {
  const bool output = surface == detect::Surface::kOutput;
  if (auto err =
          output ? http::rejectUnknownFields(
                       ctx, obj, {"response", "prompt", "system_prompt", "policy_id", "metadata"})
                 : http::rejectUnknownFields(ctx, obj,
                                             {"prompt", "source", "policy_id", "metadata"})) {
    return err;
  }
  // "source": "retrieved" marks a prompt as content the application fetched (a page, an email,
  // a search hit): it is scanned for instructions addressed to the AI reading it as well.
  if (const auto* src = obj.if_contains("source"); src != nullptr && !src->is_null() && !output) {
    if (!src->is_string()) {
      return wrongType(ctx, "source", "a string");
    }
    if (src->get_string() == "retrieved") {
      surface = detect::Surface::kRetrieved;
    } else if (src->get_string() != "user") {
      return errorResponse(ctx, beasthttp::status::bad_request, "invalid_value",
                           "\"source\" must be \"user\" or \"retrieved\"");
    }
  }
  const json::value* text = obj.if_contains(text_field);
  if (text == nullptr) {
    return errorResponse(ctx, beasthttp::status::bad_request, "missing_field",
                         "\"" + text_field + "\" is required");
  }
  if (!text->is_string()) {
    return wrongType(ctx, text_field, "a string");
  }
  // The system prompt the answer must not repeat (output only); never logged or stored.
  if (output) {
    for (const char* field : {"prompt", "system_prompt"}) {
      const auto* p = obj.if_contains(field);
      if (p != nullptr && !p->is_string() && !p->is_null()) {
        return wrongType(ctx, field, "a string");
      }
    }
    if (const auto* sp = obj.if_contains("system_prompt"); sp != nullptr && sp->is_string()) {
      out.system_prompt = std::string_view(sp->get_string().data(), sp->get_string().size());
    }
  }
  if (const auto* p = obj.if_contains("policy_id"); p != nullptr && !p->is_null()) {
    if (!p->is_string()) {
      return wrongType(ctx, "policy_id", "a string");
    }
    out.policy_id = std::string(p->get_string());
  }
  if (const auto* m = obj.if_contains("metadata");
      m != nullptr && !m->is_object() && !m->is_null()) {
    return wrongType(ctx, "metadata", "an object");
  }
  out.texts.push_back(
      {.text = std::string_view(text->get_string().data(), text->get_string().size()),
       .surface = surface,
       .field = text_field});
  return std::nullopt;
}

// POST /api/v1/validate and /api/v1/validate/response: parse, ask the validation service,
// render. A coroutine: the service suspends it only for the remote detectors' calls.
// `text_field` by value: a coroutine must not keep a temporary's reference.
http::awaitable<Response> validate(ValidationRouteDeps deps, RequestContext& ctx,
                                   const Request& req, std::string text_field,
                                   detect::Surface surface) {
  // The request's JSON and the rendered answer live as long as this call: one block, sized for
  // the body, instead of an allocation per value (the prompt's text is most of it).
  json::monotonic_resource body_memory(req.body().size() + 512);
  auto body = http::parseJsonObject(ctx, req, &body_memory);
  if (body.error) {
    co_return std::move(*body.error);
  }
  validation::ValidationRequest request;
  if (auto err = readValidateBody(ctx, body.value.get_object(), text_field, surface, request)) {
    co_return std::move(*err);
  }
  request.caller = callerOf(ctx);
  request.offload = ctx.offload;
  request.trace = ctx.trace;
  request.memory = &body_memory;
  auto result = co_await deps.validation.validate(request);
  if (!result) {
    if (result.status().code() == StatusCode::kNotFound) {
      co_return errorResponse(ctx, beasthttp::status::not_found, "policy_not_found",
                              result.status().message());
    }
    co_return errorResponse(ctx, result.status());
  }
  const validation::Verdict& verdict = result->texts.front().verdict;
  ctx.decision = verdict.decision;
  // The verdict rendered as it is, this request's fields added to the text: copying the verdict's
  // tree to add two fields cost more than rendering it.
  co_return http::jsonTextResponse(beasthttp::status::ok,
                                   http::withRequestFields(http::serializeJson(verdict.body),
                                                           ctx.request_id, result->latency_us));
}

json::object recordJson(const storage::ValidationRecord& r) {
  json::object o;
  o["id"] = r.id;
  o["request_id"] = r.request_id;
  o["policy"] = json::object{{"id", r.policy_id}, {"version", r.policy_version}};
  o["surface"] = r.surface;
  o["decision"] = r.decision;
  o["risk_score"] = r.risk_score;
  json::array detectors;
  std::size_t i = 1;
  while (i < r.detectors.size()) {
    const std::size_t j = r.detectors.find(',', i);
    if (j == std::string::npos) {
      break;
    }
    detectors.emplace_back(r.detectors.substr(i, j - i));
    i = j + 1;
  }
  o["detectors"] = std::move(detectors);
  boost::system::error_code ec;
  json::value detections = json::parse(r.detections, ec);
  o["detections"] = ec ? json::value(json::array()) : std::move(detections);
  o["text_sha256"] = r.text_sha256;
  o["text_length"] = r.text_length;
  o["latency_ms"] = static_cast<double>(r.latency_us) / 1000.0;
  o["organization_id"] = r.organization_id;
  o["api_key_id"] = r.api_key_id.empty() ? json::value(nullptr) : json::value(r.api_key_id);
  o["user_id"] = r.user_id.empty() ? json::value(nullptr) : json::value(r.user_id);
  if (r.raw_text) {
    o["raw_text"] = *r.raw_text;
  }
  o["created_at"] = clock::toRfc3339(r.created_at);
  return o;
}

// "since"/"until" accept RFC 3339 or epoch milliseconds.
bool parseTime(const std::string& v, std::int64_t& out) {
  if (!v.empty() && v.find_first_not_of("0123456789") == std::string::npos && v.size() <= 15) {
    out = std::stoll(v);
    return true;
  }
  return clock::parseRfc3339(v, out);
}

Response listValidations(const ValidationRouteDeps& deps, RequestContext& ctx, const Request& req) {
  const std::string_view target(req.target().data(), req.target().size());
  auto url = boost::urls::parse_origin_form(target);
  if (!url) {
    return errorResponse(ctx, beasthttp::status::bad_request, "invalid_query",
                         "malformed query string");
  }
  storage::ValidationQuery q;
  q.organization_id = ctx.organization_id;
  auto bad = [&](const std::string& msg) {
    return errorResponse(ctx, beasthttp::status::bad_request, "invalid_query", msg);
  };
  for (const auto& param : url->params()) {
    const std::string key(param.key), value(param.value);
    if (key == "decision") {
      if (value != "allow" && value != "block" && value != "redact") {
        return bad("decision: expected allow, block or redact");
      }
      q.decision = value;
    } else if (key == "detector") {
      // The leak checks run outside the registry but their findings are in the trail too.
      if (deps.registry.find(value) == nullptr && value != "canary" &&
          value != "system_prompt_echo") {
        return bad("detector: unknown detector");
      }
      q.detector = value;
    } else if (key == "since" || key == "until") {
      std::int64_t t = 0;
      if (!parseTime(value, t)) {
        return bad(key + ": expected RFC 3339 time or epoch milliseconds");
      }
      (key == "since" ? q.since : q.until) = t;
    } else if (key == "limit") {
      if (value.empty() || value.size() > 3 ||
          value.find_first_not_of("0123456789") != std::string::npos || std::stoi(value) < 1 ||
          std::stoi(value) > 200) {
        return bad("limit: expected an integer from 1 to 200");
      }
      q.limit = std::stoi(value);
    } else if (key == "cursor") {
      const auto dot = value.find('.');
      if (dot == std::string::npos || dot == 0 || dot > 15 ||
          value.find_first_not_of("0123456789") != dot || dot + 1 >= value.size() ||
          value.size() > 200) {
        return bad("cursor: not a cursor returned by this API");
      }
      q.after = std::pair{std::stoll(value.substr(0, dot)), value.substr(dot + 1)};
    } else {
      return bad("unknown query parameter \"" + key.substr(0, 100) + "\"");
    }
  }
  auto rows = deps.validations.list(q);
  if (!rows) {
    return errorResponse(ctx, rows.status());
  }
  json::array data;
  for (const auto& r : *rows) {
    data.push_back(recordJson(r));
  }
  json::value next = nullptr;
  if (static_cast<int>(rows->size()) == q.limit && !rows->empty()) {
    next = std::to_string(rows->back().created_at) + "." + rows->back().id;
  }
  return http::jsonResponse(beasthttp::status::ok,
                            json::object{{"data", std::move(data)}, {"next_cursor", next}});
}

// A new canary word for the caller's organization. Stateless: nothing is stored, any replica
// recognizes it (see detectors/canary/canary_token.h). The body may be empty or {}.
Response issueCanary(const ValidationRouteDeps& deps, RequestContext& ctx, const Request& req) {
  if (!req.body().empty()) {
    auto body = http::parseJsonObject(ctx, req);
    if (body.error) {
      return std::move(*body.error);
    }
    if (auto err = http::rejectUnknownFields(ctx, body.value.get_object(), {})) {
      return std::move(*err);
    }
  }
  const std::string token = deps.canary_key.make(ctx.organization_id);
  return http::jsonResponse(beasthttp::status::created,
                            json::object{{"canary", token},
                                         {"instruction", detectors::canary::instructionFor(token)},
                                         {"created_at", clock::toRfc3339(clock::nowMs())}});
}

}  // namespace

void addValidationRoutes(RouteHandlers& routes, ValidationRouteDeps deps) {
  routes.handleAsync("validatePrompt", [deps](RequestContext& ctx, const Request& req) {
    return validate(deps, ctx, req, "prompt", detect::Surface::kInput);
  });
  routes.handleAsync("validateResponse", [deps](RequestContext& ctx, const Request& req) {
    return validate(deps, ctx, req, "response", detect::Surface::kOutput);
  });
  routes.handle("issueCanary", [deps](RequestContext& ctx, const Request& req) {
    return issueCanary(deps, ctx, req);
  });
  routes.handle("listValidations", [deps](RequestContext& ctx, const Request& req) {
    return listValidations(deps, ctx, req);
  });
}

}  // namespace aisafe::api
