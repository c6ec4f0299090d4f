#include "proxy/usage.h"

#include <algorithm>
#include <cstdint>

namespace aisafe::proxy {
namespace json = boost::json;

namespace {

std::optional<std::int64_t> tokenCount(const json::object& usage, std::string_view key) {
  const json::value* v = usage.if_contains(key);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (v->is_int64() && v->get_int64() >= 0) {
    return v->get_int64();
  }
  if (v->is_uint64()) {
    return static_cast<std::int64_t>(std::min<std::uint64_t>(v->get_uint64(), INT64_MAX));
  }
  return std::nullopt;
}

std::optional<TokenUsage> usageOf(const json::object& answer, std::string_view prompt_key,
                                  std::string_view completion_key) {
  const json::value* usage = answer.if_contains("usage");
  if (usage == nullptr || !usage->is_object()) {
    return std::nullopt;
  }
  auto prompt = tokenCount(usage->get_object(), prompt_key);
  if (!prompt) {
    return std::nullopt;
  }
  return TokenUsage{.prompt_tokens = *prompt,
                    .completion_tokens =
                        tokenCount(usage->get_object(), completion_key).value_or(0)};
}

}  // namespace

std::optional<TokenUsage> openAiUsage(const json::object& answer) {
  return usageOf(answer, "prompt_tokens", "completion_tokens");
}

std::optional<TokenUsage> trailingOpenAiUsage(std::string_view answer) {
  constexpr std::string_view kKey = "\"usage\"";
  constexpr std::string_view kSpace = " \t\r\n";
  const std::size_t key = answer.rfind(kKey);
  if (key == std::string_view::npos) {
    return std::nullopt;
  }
  std::size_t at = answer.find_first_not_of(kSpace, key + kKey.size());
  if (at == std::string_view::npos || answer[at] != ':') {
    return std::nullopt;  // "usage" was a value, not a key
  }
  at = answer.find_first_not_of(kSpace, at + 1);
  if (at == std::string_view::npos || answer[at] != '{') {
    return std::nullopt;
  }
  json::stream_parser parser;
  boost::system::error_code ec;
  const std::size_t used = parser.write_some(answer.data() + at, answer.size() - at, ec);
  if (ec || !parser.done()) {
    return std::nullopt;
  }
  // Only the top-level object's closing brace may follow: a `usage` nested deeper, or not last,
  // is not the answer's.
  const std::string_view rest = answer.substr(at + used);
  const std::size_t close = rest.find_first_not_of(kSpace);
  if (close == std::string_view::npos || rest[close] != '}' ||
      rest.find_first_not_of(kSpace, close + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  json::object wrapper;
  wrapper["usage"] = parser.release();
  return openAiUsage(wrapper);
}

std::optional<TokenUsage> anthropicUsage(const json::object& answer) {
  return usageOf(answer, "input_tokens", "output_tokens");
}

std::string modelOf(const json::object& body) {
  const json::value* model = body.if_contains("model");
  return model != nullptr && model->is_string() ? std::string(model->get_string()) : std::string();
}

StreamUsageAsk askForStreamUsage(json::object& request) {
  json::value* options = request.if_contains("stream_options");
  if (options == nullptr) {
    request["stream_options"] = json::object{{"include_usage", true}};
    return StreamUsageAsk::kAddedOptions;
  }
  if (options->is_null()) {
    *options = json::object{{"include_usage", true}};
    return StreamUsageAsk::kSetInOptions;
  }
  if (!options->is_object()) {
    return StreamUsageAsk::kCallerAsked;
  }
  json::object& fields = options->get_object();
  const json::value* include = fields.if_contains("include_usage");
  if (include != nullptr && !(include->is_bool() && !include->get_bool())) {
    return StreamUsageAsk::kCallerAsked;  // or a value the upstream refuses as it was written
  }
  fields["include_usage"] = true;
  return StreamUsageAsk::kSetInOptions;
}

std::string withStreamUsageOption(std::string_view raw) {
  static constexpr std::string_view kMember = R"("stream_options":{"include_usage":true},)";
  const std::size_t brace = raw.find('{');
  std::string out;
  out.reserve(raw.size() + kMember.size());
  out.append(raw.substr(0, brace + 1));
  out.append(kMember);
  out.append(raw.substr(brace + 1));
  return out;
}

bool removeStreamUsage(json::object& chunk) {
  const json::value* usage = chunk.if_contains("usage");
  const json::value* choices = chunk.if_contains("choices");
  if (usage != nullptr && usage->is_object() && choices != nullptr && choices->is_array() &&
      choices->get_array().empty()) {
    return true;
  }
  chunk.erase("usage");
  return false;
}

}  // namespace aisafe::proxy
