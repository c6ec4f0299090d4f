// POST /api/v1/validate, POST /api/v1/validate/response, GET /api/v1/validations,
// POST /api/v1/canary (docs/output-leaks.md).
#include <charconv>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "app/remote_detection.h"
#include "app/routes.h"
#include "app/webhook_wiring.h"
#include "core/clock.h"
#include "crypto/random_ids.h"
#include "crypto/sha256.h"
#include "detectors/canary/canary_token.h"
#include "detectors/canary/system_prompt_echo.h"
#include "http/json_body.h"
#include "policy/decision_json.h"

namespace aisafe::app {
namespace json = boost::json;
namespace beasthttp = boost::beast::http;
using http::errorResponse;
using http::Request;
using http::RequestContext;
using http::Response;

namespace {

// `{detector="<stage>"}`, rendered once per stage and thread: the stage names are the
// detectors' and a few literals, and rendering labels on every request costs allocations.
const std::string& stageLabels(std::string_view stage) {
  thread_local std::vector<std::pair<std::string, std::string>> rendered;
  for (const auto& [name, labels] : rendered) {
    if (name == stage) {
      return labels;
    }
  }
  rendered.emplace_back(std::string(stage),
                        telemetry::renderLabels({{"detector", std::string(stage)}}));
  return rendered.back().second;
}

// One scratch per I/O thread: vectorscan scratch space and normalization buffers are reused
// across requests without locks.
detect::ScanScratch& threadScratch() {
  thread_local detect::ScanScratch scratch;
  return scratch;
}

std::string detectorList(const policy::Decision& d) {
  std::string out = ",";
  for (const auto& f : d.findings) {
    const std::string item = f.detector + ",";
    if (out.find("," + item) == std::string::npos) {
      out += item;
    }
  }
  return out;
}

// What a validation decided, independent of the request that asked: the part of the answer
// the cache may hand to an identical request (same organization, policy version, surface and
// text), plus what the audit record and the metrics need.
struct Verdict {
  json::object body;  // the answer without request_id and latency_ms
  std::string decision;
  double risk_score = 0;
  std::string detectors;                                  // ",a,b," for the audit record
  std::vector<std::pair<std::string, std::string>> hits;  // (detector, category) per finding
};

std::string serialize(const Verdict& v) {
  json::array hits;
  for (const auto& [d, c] : v.hits) {
    hits.push_back(json::array{json::string(d), json::string(c)});
  }
  return json::serialize(json::object{{"body", v.body},
                                      {"decision", v.decision},
                                      {"risk_score", v.risk_score},
                                      {"detectors", v.detectors},
                                      {"hits", std::move(hits)}});
}

// A cached verdict, or nullopt when the entry is unreadable (then the text is scanned again).
std::optional<Verdict> parseVerdict(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    return std::nullopt;
  }
  const auto& o = v.get_object();
  const auto* body = o.if_contains("body");
  const auto* decision = o.if_contains("decision");
  const auto* risk = o.if_contains("risk_score");
  const auto* detectors = o.if_contains("detectors");
  const auto* hits = o.if_contains("hits");
  if (!body || !body->is_object() || !decision || !decision->is_string() || !risk ||
      !risk->is_number() || !detectors || !detectors->is_string() || !hits || !hits->is_array()) {
    return std::nullopt;
  }
  Verdict out;
  out.body = body->get_object();
  out.decision = std::string(decision->get_string());
  out.risk_score = risk->to_number<double>();
  out.detectors = std::string(detectors->get_string());
  for (const auto& h : hits->get_array()) {
    if (!h.is_array() || h.get_array().size() != 2 || !h.get_array()[0].is_string() ||
        !h.get_array()[1].is_string()) {
      return std::nullopt;
    }
    out.hits.emplace_back(std::string(h.get_array()[0].get_string()),
                          std::string(h.get_array()[1].get_string()));
  }
  return out;
}

// Shared by both validation routes: `text_field` is "prompt" or "response".
// A coroutine: its only suspension is the remote detectors' call on the outbound lane; the rest
// runs on the I/O thread. `text_field` by value: a coroutine must not keep a temporary's
// reference.
http::awaitable<Response> validate(Services& s, RequestContext& ctx, const Request& req,
                                   std::string text_field, detect::Surface surface) {
  // The request's JSON lives as long as this call: one block, sized for the body, instead of an
  // allocation per value (the prompt's text is most of it).
  json::monotonic_resource body_memory(req.body().size() + 512);
  auto body = http::parseJsonObject(ctx, req, &body_memory);
  if (body.error) {
    co_return std::move(*body.error);
  }
  const auto& obj = body.value.get_object();
  const bool output = surface == detect::Surface::kOutput;
  if (auto err =
          output ? http::rejectUnknownFields(
                       ctx, obj, {"response", "prompt", "system_prompt", "policy_id", "metadata"})
                 : http::rejectUnknownFields(ctx, obj,
                                             {"prompt", "source", "policy_id", "metadata"})) {
    co_return std::move(*err);
  }
  // "source": "retrieved" marks a prompt as content the application fetched (a page, an email,
  // a search hit): it is scanned for instructions addressed to the AI reading it as well.
  if (const auto* src = obj.if_contains("source"); src != nullptr && !src->is_null() && !output) {
    if (!src->is_string()) {
      co_return errorResponse(ctx, beasthttp::status::bad_request, "invalid_type",
                              "\"source\" must be a string");
    }
    if (src->get_string() == "retrieved") {
      surface = detect::Surface::kRetrieved;
    } else if (src->get_string() != "user") {
      co_return errorResponse(ctx, beasthttp::status::bad_request, "invalid_value",
                              "\"source\" must be \"user\" or \"retrieved\"");
    }
  }
  const json::value* text = obj.if_contains(text_field);
  if (text == nullptr) {
    co_return errorResponse(ctx, beasthttp::status::bad_request, "missing_field",
                            "\"" + text_field + "\" is required");
  }
  if (!text->is_string()) {
    co_return errorResponse(ctx, beasthttp::status::bad_request, "invalid_type",
                            "\"" + text_field + "\" must be a string");
  }
  // The system prompt the answer must not repeat (output only); never logged or stored.
  std::string_view system_prompt;
  if (output) {
    for (const char* field : {"prompt", "system_prompt"}) {
      const auto* p = obj.if_contains(field);
      if (p != nullptr && !p->is_string() && !p->is_null()) {
        co_return errorResponse(ctx, beasthttp::status::bad_request, "invalid_type",
                                "\"" + std::string(field) + "\" must be a string");
      }
    }
    if (const auto* sp = obj.if_contains("system_prompt"); sp != nullptr && sp->is_string()) {
      system_prompt = std::string_view(sp->get_string().data(), sp->get_string().size());
    }
  }
  std::string policy_id;
  if (const auto* p = obj.if_contains("policy_id"); p != nullptr && !p->is_null()) {
    if (!p->is_string()) {
      co_return errorResponse(ctx, beasthttp::status::bad_request, "invalid_type",
                              "\"policy_id\" must be a string");
    }
    policy_id = std::string(p->get_string());
  }
  if (const auto* m = obj.if_contains("metadata");
      m != nullptr && !m->is_object() && !m->is_null()) {
    co_return errorResponse(ctx, beasthttp::status::bad_request, "invalid_type",
                            "\"metadata\" must be an object");
  }

  auto compiled = s.policies->compiled(ctx.organization_id, policy_id);
  if (!compiled) {
    if (compiled.status().code() == StatusCode::kNotFound) {
      co_return errorResponse(ctx, beasthttp::status::not_found, "policy_not_found",
                              "no policy with id \"" + policy_id.substr(0, 100) + "\"");
    }
    co_return errorResponse(ctx, compiled.status());
  }
  const policy::CompiledPolicy& pol = **compiled;
  const std::string_view input(text->get_string().data(), text->get_string().size());
  const char* surface_name = output                                   ? "output"
                             : surface == detect::Surface::kRetrieved ? "retrieved"
                                                                      : "input";
  const std::string text_sha256 = crypto::sha256Hex(input);

  // Identical requests get the stored verdict. peek/set rather than get(): a request never
  // waits on an I/O thread for another request's scan, which costs about as much as waiting.
  const std::string cache_ns = "validation:" + ctx.organization_id;
  std::string cache_key;
  cache::GetOptions cache_options;
  cache_options.use_l2 = input.size() >= s.config.validation_cache_l2_min_bytes;
  std::optional<Verdict> verdict;
  const bool cacheable =
      s.config.validation_cache && input.size() >= s.config.validation_cache_min_bytes;
  if (cacheable) {
    cache_key = s.registry->fingerprint() + ":" + pol.id + ":" + std::to_string(pol.version) + ":" +
                surface_name + ":" + text_sha256;
    // An answer's verdict also depends on the canary key (the organization is in the namespace)
    // and on the system prompt it was compared with.
    if (output) {
      cache_key += ":canary=" + s.canary_key->fingerprint();
      if (!system_prompt.empty()) {
        cache_key += ":system_prompt=" + crypto::sha256Hex(system_prompt);
      }
    }
    telemetry::Span lookup = ctx.trace.child("cache.lookup");
    if (auto hit = s.cache->peek(cache_ns, cache_key, cache_options)) {
      verdict = parseVerdict(*hit);
    }
    lookup.setBool("aisafe.cache.hit", verdict.has_value());
  }
  const bool from_cache = verdict.has_value();
  if (!verdict) {
    const auto scan_start = std::chrono::steady_clock::now();
    detect::Findings findings;
    telemetry::Span scan_span = ctx.trace.child("scan");
    const std::int64_t scan_start_ns = scan_span.recording() ? telemetry::unixNanosNow() : 0;
    if (auto st = pol.pipeline->scan(input, surface, threadScratch(), findings); !st.isOk()) {
      scan_span.setError(st.message());
      co_return errorResponse(ctx, st);
    }
    if (output) {
      // Leak checks need request data the pipeline does not see: the caller's organization (whose
      // canaries count) and the system prompt.
      detectors::canary::findCanaries(*s.canary_key, ctx.organization_id, input, findings);
      if (!system_prompt.empty()) {
        detectors::canary::findSystemPromptEcho(input, system_prompt, findings);
      }
    }
    scan_span.setInt("aisafe.findings", static_cast<std::int64_t>(findings.size()));
    // Read now: the scratch is this thread's, and the request may resume elsewhere in time.
    // In a recorded trace the stages are one attribute of "scan" ("patterns=12.1us,..."), or,
    // with TRACE_DETECTOR_STAGES, child spans of it laid end to end from the scan's start: twice
    // the spans per validation, which is what tracing costs (bench/http/tracing.sh).
    const bool stage_spans = scan_span.recording() && s.config.trace_detector_stages;
    std::int64_t stage_start_ns = scan_start_ns;
    std::string stages;
    for (const auto& stage : threadScratch().stage_times) {
      s.metrics->detector_seconds.observeRendered(
          std::chrono::duration<double>(stage.elapsed).count(), stageLabels(stage.stage));
      if (!scan_span.recording()) {
        continue;
      }
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(stage.elapsed).count();
      if (!stage_spans) {
        char us[24];
        const auto end = std::to_chars(us, us + sizeof us, ns / 1000).ptr;
        stages.append(stages.empty() ? "" : ",").append(stage.stage).append("=");
        stages.append(us, end).append("us");
        continue;
      }
      telemetry::Span span = ctx.trace.tracer->start("detector." + std::string(stage.stage),
                                                     telemetry::SpanKind::kInternal,
                                                     scan_span.context(), stage_start_ns);
      stage_start_ns += ns;
      span.endAt(stage_start_ns);
    }
    if (!stages.empty()) {
      scan_span.setString("aisafe.detector_stages", stages);
    }
    scan_span.end();
    // Timed only when the policy has remote detectors: otherwise it is two clock reads for
    // nothing on every validation.
    const bool has_remote = !pol.pipeline->remoteDetectors().empty();
    const auto remote_start =
        has_remote ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    const RemoteOutcome remote =
        co_await runRemoteDetectors(s, ctx, pol, input, text_sha256, surface, findings);
    const auto remote_time = has_remote ? std::chrono::steady_clock::now() - remote_start
                                        : std::chrono::steady_clock::duration::zero();
    telemetry::Span decide_span = ctx.trace.child("decide");
    policy::Decision decision = policy::decide(pol.spec, std::move(findings), input);
    if (pol.spec.fail_closed) {
      failClosed(decision, remote.degraded, input.size());
    }
    decide_span.setString("aisafe.decision", policy::decisionName(decision.action));
    decide_span.end();
    const auto scan_end = std::chrono::steady_clock::now();
    s.metrics->scan_seconds.observe(
        std::chrono::duration<double>(scan_end - scan_start - remote_time).count());
    // On the request's memory: the body is rendered and dropped with the request (a cached
    // verdict is stored as text).
    Verdict fresh{.body = policy::decisionJson(decision, pol, text_field, &body_memory)};
    if (!remote.degraded.empty()) {
      json::array degraded;
      for (const auto& name : remote.degraded) {
        degraded.emplace_back(name);
      }
      fresh.body["degraded"] = std::move(degraded);
    }
    fresh.decision = std::string(policy::decisionName(decision.action));
    fresh.risk_score = decision.risk_score;
    fresh.detectors = detectorList(decision);
    for (const auto& f : decision.findings) {
      fresh.hits.emplace_back(f.detector, f.category);
    }
    // A degraded answer is not the policy's full answer: the next request asks again.
    if (cacheable && remote.degraded.empty()) {
      s.cache->set(cache_ns, cache_key, serialize(fresh), cache_options);
    }
    verdict.emplace(std::move(fresh));
  }

  const std::string& decision_name = verdict->decision;
  ctx.decision = decision_name;
  if (telemetry::Span* span = ctx.trace.recordingServer()) {
    // What was decided and by which policy, never what the text said.
    span->setString("aisafe.policy.id", pol.id);
    span->setInt("aisafe.policy.version", pol.version);
    span->setString("aisafe.surface", surface_name);
    span->setInt("aisafe.detector_hits", static_cast<std::int64_t>(verdict->hits.size()));
    const std::string& d = verdict->detectors;  // ",a,b,"
    span->setString("aisafe.detectors", d.size() > 2 ? d.substr(1, d.size() - 2) : "");
    span->setBool("aisafe.cache.hit", from_cache);
  }
  thread_local telemetry::LabelPairCache validation_labels("decision", "surface");
  thread_local telemetry::LabelPairCache hit_labels("detector", "category");
  s.metrics->validations.incRendered(validation_labels.rendered(decision_name, surface_name));
  for (const auto& [detector, category] : verdict->hits) {
    s.metrics->detector_hits.incRendered(hit_labels.rendered(detector, category));
  }

  queueValidationEvents(s, ctx, verdict->body, decision_name);
  const auto latency = std::chrono::steady_clock::now() - ctx.started;
  const auto latency_us = std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
  // The verdict rendered as it is, this request's fields added to the text: copying the verdict's
  // tree to add two fields cost more than rendering it.
  std::string answer =
      http::withRequestFields(http::serializeJson(verdict->body), ctx.request_id, latency_us);

  storage::ValidationRecord record;
  record.created_at = clock::nowMs();
  record.id = crypto::timeOrderedId("val_", record.created_at);
  record.request_id = ctx.request_id;
  record.organization_id = ctx.organization_id;
  if (ctx.principal.kind == http::Principal::Kind::kApiKey) {
    record.api_key_id = ctx.principal.id;
  }
  record.user_id = ctx.principal.user_id;
  record.policy_id = pol.id;
  record.policy_version = pol.version;
  record.surface = surface_name;
  record.decision = decision_name;
  record.risk_score = verdict->risk_score;
  record.detectors = verdict->detectors;
  const auto* detections = verdict->body.if_contains("detections");
  record.detections = detections != nullptr ? json::serialize(*detections) : "[]";
  record.text_sha256 = text_sha256;
  record.text_length = static_cast<std::int64_t>(input.size());
  record.latency_us = latency_us;
  if (pol.spec.log_raw_text) {
    record.raw_text = std::string(input);
  }
  s.audit->enqueue(std::move(record));

  co_return http::jsonTextResponse(beasthttp::status::ok, std::move(answer));
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

Response listValidations(Services& s, RequestContext& ctx, const Request& req) {
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
      if (s.registry->find(value) == nullptr && value != "canary" &&
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
  auto rows = s.validation_repo->list(q);
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
Response issueCanary(Services& s, RequestContext& ctx, const Request& req) {
  if (!req.body().empty()) {
    auto body = http::parseJsonObject(ctx, req);
    if (body.error) {
      return std::move(*body.error);
    }
    if (auto err = http::rejectUnknownFields(ctx, body.value.get_object(), {})) {
      return std::move(*err);
    }
  }
  const std::string token = s.canary_key->make(ctx.organization_id);
  return http::jsonResponse(beasthttp::status::created,
                            json::object{{"canary", token},
                                         {"instruction", detectors::canary::instructionFor(token)},
                                         {"created_at", clock::toRfc3339(clock::nowMs())}});
}

}  // namespace

void addValidationRoutes(http::Router& router, Services& s) {
  router.addAsync(beasthttp::verb::post, "/api/v1/validate",
                  [&s](RequestContext& ctx, const Request& req) {
                    return validate(s, ctx, req, "prompt", detect::Surface::kInput);
                  });
  router.addAsync(beasthttp::verb::post, "/api/v1/validate/response",
                  [&s](RequestContext& ctx, const Request& req) {
                    return validate(s, ctx, req, "response", detect::Surface::kOutput);
                  });
  router.add(beasthttp::verb::post, "/api/v1/canary",
             [&s](RequestContext& ctx, const Request& req) { return issueCanary(s, ctx, req); });
  router.add(
      beasthttp::verb::get, "/api/v1/validations",
      [&s](RequestContext& ctx, const Request& req) { return listValidations(s, ctx, req); },
      http::Execution::kBlocking);
}

}  // namespace aisafe::app
