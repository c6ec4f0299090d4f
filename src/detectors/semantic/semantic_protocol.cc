#include "detectors/semantic/semantic_protocol.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include <boost/json.hpp>

namespace aisafe::detectors::semantic {
namespace json = boost::json;
namespace {

// A service names at most this many categories per verdict; more are ignored. Each becomes a
// finding and a metric label value, so both the count and the spelling are bounded.
constexpr std::size_t kMaxCategories = 16;
constexpr std::size_t kMaxCategoryLength = 40;

Status badAnswer(std::string message) {
  return Status(StatusCode::kUnavailable, "the semantic detector's answer: " + std::move(message),
                "bad_answer");
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

// Lower-case letters, digits and '_' ("S10" -> "s10", "self-harm" -> "self_harm"); empty when
// the name is too long or has nothing usable.
std::string cleanCategory(std::string_view raw) {
  raw = trim(raw);
  if (raw.empty() || raw.size() > kMaxCategoryLength) {
    return {};
  }
  std::string out;
  for (unsigned char c : raw) {
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
    } else if ((c == '-' || c == '_' || c == ' ') && !out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') {
    out.pop_back();
  }
  return out;
}

void addCategory(Verdict& v, std::string_view raw) {
  std::string c = cleanCategory(raw);
  if (c.empty() || v.categories.size() >= kMaxCategories) {
    return;
  }
  if (std::find(v.categories.begin(), v.categories.end(), c) == v.categories.end()) {
    v.categories.push_back(std::move(c));
  }
}

Result<Verdict> parseLabel(std::string_view label) {
  std::string lower(label);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "safe") {
    return Verdict{};
  }
  if (lower == "unsafe") {
    return Verdict{.unsafe = true};
  }
  return badAnswer("expected \"safe\" or \"unsafe\", got \"" + std::string(label.substr(0, 40)) +
                   "\"");
}

Result<Verdict> parseChatContent(std::string_view content) {
  content = trim(content);
  const auto eol = content.find('\n');
  AISAFE_TRY(Verdict v, parseLabel(trim(content.substr(0, eol))));
  if (v.unsafe && eol != std::string_view::npos) {
    std::string_view codes = trim(content.substr(eol + 1));
    codes = codes.substr(0, codes.find('\n'));
    while (!codes.empty()) {
      const auto comma = codes.find(',');
      addCategory(v, codes.substr(0, comma));
      if (comma == std::string_view::npos) {
        break;
      }
      codes.remove_prefix(comma + 1);
    }
  }
  return v;
}

Result<json::object> parseObject(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) {
    return badAnswer("not JSON");
  }
  if (!v.is_object()) {
    return badAnswer("not a JSON object");
  }
  return std::move(v.get_object());
}

Result<Verdict> parseChat(std::string_view body) {
  AISAFE_TRY(json::object o, parseObject(body));
  const auto* choices = o.if_contains("choices");
  if (choices == nullptr || !choices->is_array() || choices->get_array().empty() ||
      !choices->get_array()[0].is_object()) {
    return badAnswer("no choices");
  }
  const auto* message = choices->get_array()[0].get_object().if_contains("message");
  const json::value* content = message != nullptr && message->is_object()
                                   ? message->get_object().if_contains("content")
                                   : nullptr;
  if (content == nullptr || !content->is_string()) {
    return badAnswer("no message content");
  }
  return parseChatContent(content->get_string());
}

Result<Verdict> parseJson(std::string_view body) {
  AISAFE_TRY(json::object o, parseObject(body));
  const auto* label = o.if_contains("label");
  if (label == nullptr || !label->is_string()) {
    return badAnswer("no \"label\" string");
  }
  AISAFE_TRY(Verdict v, parseLabel(label->get_string()));
  if (const auto* score = o.if_contains("score"); score != nullptr && !score->is_null()) {
    if (!score->is_number()) {
      return badAnswer("\"score\" is not a number");
    }
    const double d = score->to_number<double>();
    if (!(d >= 0.0 && d <= 1.0)) {
      return badAnswer("\"score\" is not between 0 and 1");
    }
    v.score = d;
  }
  if (const auto* cats = o.if_contains("categories"); cats != nullptr && !cats->is_null()) {
    if (!cats->is_array()) {
      return badAnswer("\"categories\" is not an array");
    }
    if (v.unsafe) {
      for (const auto& c : cats->get_array()) {
        if (c.is_string()) {
          addCategory(v, c.get_string());
        }
      }
    }
  }
  return v;
}

}  // namespace

std::optional<Format> parseFormat(std::string_view name) {
  if (name == "openai-chat") {
    return Format::kOpenAiChat;
  }
  if (name == "json") {
    return Format::kJson;
  }
  return std::nullopt;
}

std::string requestBody(Format format, std::string_view model, std::string_view text,
                        detect::Surface surface) {
  const json::string_view body_text(text.data(), text.size());
  if (format == Format::kJson) {
    const char* s = surface == detect::Surface::kOutput      ? "output"
                    : surface == detect::Surface::kRetrieved ? "retrieved"
                                                             : "input";
    return json::serialize(json::object{{"text", body_text}, {"surface", s}});
  }
  json::array messages;
  if (surface == detect::Surface::kOutput) {
    // Guard models classify the last turn; an answer is the assistant's turn after a user's.
    messages.push_back(json::object{{"role", "user"}, {"content", ""}});
    messages.push_back(json::object{{"role", "assistant"}, {"content", body_text}});
  } else {
    messages.push_back(json::object{{"role", "user"}, {"content", body_text}});
  }
  return json::serialize(json::object{{"model", json::string_view(model.data(), model.size())},
                                      {"messages", std::move(messages)},
                                      {"temperature", 0},
                                      {"max_tokens", 32}});
}

Result<Verdict> parseAnswer(Format format, std::string_view body) {
  return format == Format::kJson ? parseJson(body) : parseChat(body);
}

std::string_view categoryName(std::string_view code) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kLlamaGuard3 = {{
      {"s1", "violent crimes"},
      {"s2", "non-violent crimes"},
      {"s3", "sex-related crimes"},
      {"s4", "child sexual exploitation"},
      {"s5", "defamation"},
      {"s6", "specialized advice"},
      {"s7", "privacy"},
      {"s8", "intellectual property"},
      {"s9", "indiscriminate weapons"},
      {"s10", "hate"},
      {"s11", "suicide and self-harm"},
      {"s12", "sexual content"},
      {"s13", "elections"},
      {"s14", "code interpreter abuse"},
  }};
  for (const auto& [c, name] : kLlamaGuard3) {
    if (c == code) {
      return name;
    }
  }
  return {};
}

std::string serialize(const Verdict& v) {
  json::object o{{"label", v.unsafe ? "unsafe" : "safe"}};
  if (v.score) {
    o["score"] = *v.score;
  }
  json::array cats;
  for (const auto& c : v.categories) {
    cats.emplace_back(c);
  }
  o["categories"] = std::move(cats);
  return json::serialize(o);
}

std::optional<Verdict> deserialize(std::string_view text) {
  auto v = parseJson(text);
  if (!v.isOk()) {
    return std::nullopt;
  }
  return std::move(v.value());
}

}  // namespace aisafe::detectors::semantic
