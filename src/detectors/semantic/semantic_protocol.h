// The two wire formats of the remote semantic detector (docs/semantic-detector.md):
//  - openai-chat: an OpenAI-compatible chat completions endpoint serving a guard model. The text
//    goes as the user message (a model's answer as the assistant message after an empty user
//    turn); the answer's content is "safe", or "unsafe" and a line of category codes such as
//    "S1,S10" (Llama Guard style).
//  - json: POST {"text", "surface"}, answer {"label": "safe"|"unsafe", "score"?, "categories"?}.
// Pure functions: building a request body and reading an answer, so every malformed answer a
// service can give is tested without a network.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "detect/finding.h"

namespace aisafe::detectors::semantic {

enum class Format { kOpenAiChat, kJson };

std::optional<Format> parseFormat(std::string_view name);

struct Verdict {
  bool unsafe = false;
  std::optional<double> score;          // 0..1 where the service gives one
  std::vector<std::string> categories;  // lower-case codes or names, e.g. "s1", "violence"
};

std::string requestBody(Format format, std::string_view model, std::string_view text,
                        detect::Surface surface);

// kUnavailable with reason "bad_answer" when the answer is not one of the format's.
Result<Verdict> parseAnswer(Format format, std::string_view body);

// "violent crimes" for "s1" (Llama Guard 3's taxonomy); empty for codes it does not define.
std::string_view categoryName(std::string_view code);

// Serialized for the verdict cache, and back (nullopt: unreadable, ask again).
std::string serialize(const Verdict& v);
std::optional<Verdict> deserialize(std::string_view text);

}  // namespace aisafe::detectors::semantic
