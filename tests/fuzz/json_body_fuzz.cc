// The strict JSON reader every request body goes through (http/json_body.h): any bytes, no crash,
// no exception, bounded depth; and what it accepts, serialized again, is accepted again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <boost/json.hpp>

#include "core/utf8.h"
#include "http/json_body.h"
#include "http/request_context.h"

namespace {

// An answer we send is JSON, so valid UTF-8, whatever bytes it quotes from the request.
void checkAnswer(const std::optional<aisafe::http::Response>& res) {
  if (res && !aisafe::utf8::isValid(res->body())) {
    std::abort();
  }
}

// Request bodies are capped at 1 MiB by the server; 64 KiB covers every structure at depth 64.
constexpr std::size_t kMaxInputBytes = 64 * 1024;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using aisafe::http::JsonProblem;
  if (size > kMaxInputBytes) {
    return -1;  // not added to the corpus
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto strict = aisafe::http::parseStrictJson(text);
  if (strict.problem == JsonProblem::kNone) {
    // A document we accept has no repeated key and no infinite number, so writing it out and
    // reading it back must be accepted too: otherwise the checks depend on spelling.
    const std::string again = boost::json::serialize(strict.value);
    const auto reread = aisafe::http::parseStrictJson(again);
    if (reread.problem != JsonProblem::kNone) {
      std::abort();
    }
  } else if (!strict.value.is_null()) {
    std::abort();  // the contract: null unless the problem is kNone
  }

  // The body reader as a handler calls it: a POST whose body is the input.
  aisafe::http::RequestContext ctx;
  ctx.request_id = "req_fuzz";
  aisafe::http::Request req{boost::beast::http::verb::post, "/api/v1/validate", 11};
  req.set(boost::beast::http::field::content_type, "application/json");
  req.body() = std::string(text);
  req.prepare_payload();
  auto body = aisafe::http::parseJsonObject(ctx, req);
  checkAnswer(body.error);
  if (!body.error && body.value.is_object()) {
    const auto& obj = body.value.as_object();
    checkAnswer(aisafe::http::rejectUnknownFields(ctx, obj, {"text", "policy_id", "metadata"}));
    std::optional<std::string> out;
    checkAnswer(aisafe::http::readString(ctx, obj, "text", out, true));
  } else if (!body.error) {
    std::abort();  // parseJsonObject answers an object or an error
  }
  return 0;
}
