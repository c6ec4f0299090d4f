#include "proxy/chat_stream.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include <boost/json.hpp>

#include "http/json_body.h"
#include "proxy/held_text.h"
#include "proxy/scan_request.h"
#include "proxy/sse_reader.h"
#include "proxy/strict_json.h"
#include "proxy/window_scan.h"

namespace aisafe::proxy {
namespace json = boost::json;
namespace bhttp = boost::beast::http;

namespace {

// One text the answer streams: a choice's content or one tool call's arguments.
struct StreamedText {
  std::int64_t choice = 0;
  std::int64_t tool_call = -1;  // -1: the content
  std::string field;            // "choices[0].delta.content"
  HeldText held;
  std::string audited;  // the whole text for the final record, up to max_audited_bytes
};

class Relay {
 public:
  Relay(validation::ValidationService& service, http::RequestContext& ctx,
        const std::string& policy_id, http::OutboundStream& upstream, http::ResponseStream& out,
        const StreamRelaySettings& settings, StreamUsage& usage)
      : service_(service),
        ctx_(ctx),
        policy_id_(policy_id),
        upstream_(upstream),
        out_(out),
        settings_(settings),
        usage_(usage),
        reader_(settings.max_event_bytes) {}

  boost::asio::awaitable<void> run() {
    bool done = false;
    while (!done && !ended_) {
      auto piece = co_await upstream_.next();
      if (out_.clientGone()) {
        co_return;  // its callback closed the upstream already
      }
      if (!piece) {
        co_await fail("upstream_stream_failed",
                      "the model API's stream failed: " + piece.status().message());
        co_return;
      }
      if (piece->empty()) {
        break;  // the upstream ended without [DONE]: finish as if it had sent it
      }
      if (auto st = reader_.feed(*piece); !st.isOk()) {
        co_await fail("bad_upstream_stream", st.message());
        co_return;
      }
      while (auto event = reader_.next()) {
        if (*event == "[DONE]") {
          done = true;
          break;
        }
        co_await relayEvent(*event);
        if (ended_) {
          co_return;
        }
      }
    }
    for (std::int64_t choice : openChoices()) {
      co_await flushChoice(choice);
      if (ended_) {
        co_return;
      }
    }
    co_await record();
    const bool written = co_await out_.write("data: [DONE]\n\n");
    if (written) {
      co_await out_.finish();
    }
  }

 private:
  StreamedText& textFor(std::int64_t choice, std::int64_t tool_call) {
    for (auto& t : texts_) {
      if (t->choice == choice && t->tool_call == tool_call) {
        return *t;
      }
    }
    auto t = std::make_unique<StreamedText>(StreamedText{
        .choice = choice,
        .tool_call = tool_call,
        .field =
            "choices[" + std::to_string(choice) + "].delta." +
            (tool_call < 0 ? std::string("content")
                           : "tool_calls[" + std::to_string(tool_call) + "].function.arguments"),
        .held = HeldText(settings_.holdback_bytes),
        .audited = {}});
    texts_.push_back(std::move(t));
    return *texts_.back();
  }

  std::vector<std::int64_t> openChoices() const {
    std::vector<std::int64_t> out;
    for (const auto& t : texts_) {
      if (!t->held.empty() && std::find(out.begin(), out.end(), t->choice) == out.end()) {
        out.push_back(t->choice);
      }
    }
    return out;
  }

  // Appends a delta to its text, scans the window and returns what may leave now; nullopt when
  // the stream was ended (a block or a failure).
  boost::asio::awaitable<std::optional<std::string>> pass(StreamedText& text,
                                                          std::string_view delta, bool final) {
    text.held.append(delta);
    if (text.audited.size() < settings_.max_audited_bytes) {
      text.audited.append(delta.substr(0, settings_.max_audited_bytes - text.audited.size()));
    }
    auto verdict =
        co_await scanWindow(service_, ctx_, policy_id_, text.held.window(), text.field, false);
    if (!verdict) {
      co_await fail("scan_failed",
                    "the answer could not be checked: " + verdict.status().message());
      co_return std::nullopt;
    }
    if (verdict->block) {
      co_await block(text, *verdict);
      co_return std::nullopt;
    }
    if (!verdict->redactions.empty()) {
      redacted_ = true;
    }
    co_return text.held.release(std::move(verdict->redactions), final);
  }

  boost::asio::awaitable<void> relayEvent(const std::string& event) {
    auto parsed = parseStrictObject(event);
    if (!parsed) {
      co_await fail(
          "bad_upstream_stream",
          "an event of the model API's stream is not a JSON object: " + parsed.status().message());
      co_return;
    }
    json::object& chunk = parsed->get_object();
    rememberIdentity(chunk);
    if (readUsage(chunk)) {
      co_return;  // the caller did not ask for the usage chunk: it was for the proxy
    }
    json::value* choices = chunk.if_contains("choices");
    std::vector<std::int64_t> finishing;
    if (choices != nullptr && choices->is_array()) {
      for (auto& c : choices->get_array()) {
        if (!c.is_object()) {
          continue;
        }
        json::object& choice = c.get_object();
        const std::int64_t index = choice.contains("index") && choice.at("index").is_int64()
                                       ? choice.at("index").as_int64()
                                       : 0;
        const json::value* finish = choice.if_contains("finish_reason");
        const bool final = finish != nullptr && !finish->is_null();
        json::value* delta = choice.if_contains("delta");
        if (delta != nullptr && delta->is_object()) {
          const bool passed = co_await passDelta(index, delta->get_object(), final);
          if (!passed) {
            co_return;
          }
        }
        if (final) {
          finishing.push_back(index);
        }
      }
    }
    // What is still held of a finishing choice's other texts goes out, scanned, before its last
    // chunk (a text in this chunk was released whole already).
    for (std::int64_t index : finishing) {
      co_await flushChoice(index);
      if (ended_) {
        co_return;
      }
    }
    const bool written = co_await out_.write("data: " + http::serializeJson(chunk) + "\n\n");
    if (!written) {
      end();
    }
  }

  // The delta's content and tool-call arguments, replaced by what may leave now (all that is
  // held, when the choice finishes with this chunk).
  boost::asio::awaitable<bool> passDelta(std::int64_t index, json::object& delta, bool final) {
    if (json::value* content = delta.if_contains("content");
        content != nullptr && content->is_string() && !content->get_string().empty()) {
      const std::string text(content->get_string());
      auto released = co_await pass(textFor(index, -1), text, final);
      if (!released) {
        co_return false;
      }
      *content = *released;
    }
    json::value* calls = delta.if_contains("tool_calls");
    if (calls == nullptr || !calls->is_array()) {
      co_return true;
    }
    for (auto& call : calls->get_array()) {
      if (!call.is_object()) {
        continue;
      }
      auto& obj = call.get_object();
      const std::int64_t k =
          obj.contains("index") && obj.at("index").is_int64() ? obj.at("index").as_int64() : 0;
      json::value* fn = obj.if_contains("function");
      if (fn == nullptr || !fn->is_object()) {
        continue;
      }
      json::value* args = fn->get_object().if_contains("arguments");
      if (args == nullptr || !args->is_string() || args->get_string().empty()) {
        continue;
      }
      const std::string text(args->get_string());
      auto released = co_await pass(textFor(index, k), text, final);
      if (!released) {
        co_return false;
      }
      *args = *released;
    }
    co_return true;
  }

  // Sends what is held of `choice`'s texts, after a last scan, in a chunk of its own.
  boost::asio::awaitable<void> flushChoice(std::int64_t choice) {
    json::object delta;
    json::array calls;
    for (auto& t : texts_) {
      if (t->choice != choice || t->held.empty()) {
        continue;
      }
      auto released = co_await pass(*t, "", true);
      if (!released) {
        co_return;
      }
      if (released->empty()) {
        continue;
      }
      if (t->tool_call < 0) {
        delta["content"] = *released;
      } else {
        calls.push_back(json::object{{"index", t->tool_call},
                                     {"function", json::object{{"arguments", *released}}}});
      }
    }
    if (!calls.empty()) {
      delta["tool_calls"] = std::move(calls);
    }
    if (delta.empty()) {
      co_return;
    }
    json::object chunk = identity();
    chunk["choices"] = json::array{
        json::object{{"index", choice}, {"delta", std::move(delta)}, {"finish_reason", nullptr}}};
    const bool written = co_await out_.write("data: " + http::serializeJson(chunk) + "\n\n");
    if (!written) {
      end();
    }
  }

  // Takes the chunk's usage; true when the chunk is to be dropped (a usage-only chunk the proxy
  // asked for). With `strip`, the `usage: null` OpenAI adds to every other chunk goes too, so the
  // caller sees the chunks it would have seen without include_usage.
  bool readUsage(json::object& chunk) {
    if (auto tokens = openAiUsage(chunk)) {
      usage_.tokens = tokens;
    }
    return usage_.strip && removeStreamUsage(chunk);
  }

  void rememberIdentity(const json::object& chunk) {
    if (const auto* model = chunk.if_contains("model"); model != nullptr && model->is_string()) {
      usage_.model = model->get_string();
    }
    // The chunks the relay makes look like the upstream's: with include_usage (the caller's),
    // each carries "usage": null.
    if (const auto* usage = chunk.if_contains("usage");
        !usage_.strip && usage != nullptr && usage->is_null()) {
      identity_["usage"] = nullptr;
    }
    for (const char* key : {"id", "created", "model", "system_fingerprint"}) {
      if (const auto* v = chunk.if_contains(key)) {
        identity_[key] = *v;
      }
    }
  }

  json::object identity() const {
    json::object chunk = identity_;
    chunk["object"] = "chat.completion.chunk";
    return chunk;
  }

  // The caller's stream ends with content_filter; nothing of the finding was sent.
  boost::asio::awaitable<void> block(StreamedText& text, const WindowVerdict& verdict) {
    ctx_.decision = "block";
    // On record: the window that blocked (the windows before it were not reported).
    auto reported =
        co_await scanWindow(service_, ctx_, policy_id_, text.held.window(), text.field, true);
    (void)reported;  // the verdict is already known; the record is the point
    upstream_.close();
    json::array categories;
    for (const auto& c : verdict.categories) {
      categories.emplace_back(c);
    }
    json::object chunk = identity();
    chunk["choices"] = json::array{json::object{
        {"index", text.choice}, {"delta", json::object{}}, {"finish_reason", "content_filter"}}};
    chunk["aisafe"] = json::object{{"request_id", ctx_.request_id},
                                   {"code", "response_blocked"},
                                   {"categories", std::move(categories)},
                                   {"findings", verdict.findings}};
    const bool written = co_await out_.write("data: " + http::serializeJson(chunk) + "\n\n");
    bool done = false;
    if (written) {
      done = co_await out_.write("data: [DONE]\n\n");
    }
    if (done) {
      co_await out_.finish();
    }
    end();
  }

  // A failure after the stream began: an error event (the SDKs raise it), then the end.
  boost::asio::awaitable<void> fail(std::string_view code, const std::string& message) {
    upstream_.close();
    // Member by member: GCC 12 cannot keep the literals of a braced list in a coroutine frame.
    json::object error;
    error["message"] = message;
    error["type"] = "upstream_error";
    error["param"] = nullptr;
    error["code"] = code;
    error["request_id"] = ctx_.request_id;
    json::object event;
    event["error"] = std::move(error);
    const bool written = co_await out_.write("data: " + http::serializeJson(event) + "\n\n");
    if (written) {
      co_await out_.finish();
    }
    end();
  }

  // The decision on record: each whole text, reported once.
  boost::asio::awaitable<void> record() {
    validation::ValidationRequest request = validationRequestOf(ctx_, policy_id_);
    for (const auto& t : texts_) {
      if (!t->audited.empty()) {
        request.texts.push_back(
            {.text = t->audited, .surface = detect::Surface::kOutput, .field = t->field});
      }
    }
    if (request.texts.empty()) {
      co_return;
    }
    auto result = co_await service_.validate(request);
    (void)result;  // what was sent was decided window by window; this is the record
    if (ctx_.decision.empty() || ctx_.decision == "allow") {
      ctx_.decision = redacted_ ? "redact" : "allow";
    }
  }

  void end() {
    ended_ = true;
    upstream_.close();
  }

  validation::ValidationService& service_;
  http::RequestContext& ctx_;
  const std::string& policy_id_;
  http::OutboundStream& upstream_;
  http::ResponseStream& out_;
  const StreamRelaySettings& settings_;
  StreamUsage& usage_;
  SseReader reader_;
  std::vector<std::unique_ptr<StreamedText>> texts_;
  json::object identity_;
  bool redacted_ = false;
  bool ended_ = false;
};

}  // namespace

boost::asio::awaitable<http::Response> relayChatStream(validation::ValidationService& service,
                                                       http::RequestContext& ctx,
                                                       const std::string& policy_id,
                                                       http::OutboundStream& upstream,
                                                       http::ResponseStream& out,
                                                       const StreamRelaySettings& settings,
                                                       StreamUsage& usage) {
  http::Response head{bhttp::status::ok, 11};
  head.set(bhttp::field::content_type, "text/event-stream; charset=utf-8");
  head.set(bhttp::field::cache_control, "no-cache");
  head.set("X-Request-ID", ctx.request_id);
  if (!ctx.decision.empty()) {
    head.set("X-Aisafe-Request-Decision", ctx.decision);
  }
  http::Response observed{bhttp::status::ok, 11};
  const bool begun = co_await out.begin(std::move(head));
  if (!begun) {
    upstream.close();
    co_return observed;
  }
  out.onClientGone([&upstream] { upstream.close(); });
  Relay relay(service, ctx, policy_id, upstream, out, settings, usage);
  co_await relay.run();
  out.onClientGone(nullptr);  // `upstream` goes with the caller's frame
  co_return observed;
}

}  // namespace aisafe::proxy
