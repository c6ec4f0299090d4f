#include "detectors/custom/custom_detector.h"

#include <cctype>
#include <cstdio>

#include <boost/json.hpp>

#include "core/utf8.h"
#include "detect/pattern_compiler.h"

namespace aisafe::detectors {
namespace {
namespace json = boost::json;

bool isWordByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// A literal keyword as a pattern: metacharacters escaped, word boundaries where the keyword
// starts or ends with a word character (so "sec" does not fire inside "second").
std::string keywordPattern(const std::string& keyword) {
  std::string p;
  if (isWordByte(keyword.front())) {
    p += "\\b";
  }
  for (unsigned char c : keyword) {
    if (c < 0x80 && !std::isalnum(c) && c != ' ' && c != '_') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      p += buf;
    } else if (c == ' ') {
      p += "\\s+";  // tolerate runs of whitespace between the words of a phrase
    } else {
      p.push_back(static_cast<char>(c));
    }
  }
  if (isWordByte(keyword.back())) {
    p += "\\b";
  }
  return p;
}

Result<std::vector<std::string>> entries(const json::value& config, const char* key,
                                         std::size_t max) {
  std::vector<std::string> out;
  if (!config.is_object()) {
    return out;
  }
  const json::value* v = config.get_object().if_contains(key);
  if (v == nullptr || v->is_null()) {
    return out;
  }
  const std::string field = std::string("custom.") + key;
  if (!v->is_array()) {
    return unprocessable(field + ": expected an array of strings");
  }
  if (v->get_array().size() > max) {
    return unprocessable(field + ": at most " + std::to_string(max) + " entries");
  }
  std::size_t i = 0;
  for (const auto& item : v->get_array()) {
    const std::string where = field + "[" + std::to_string(i++) + "]";
    if (!item.is_string()) {
      return unprocessable(where + ": expected a string");
    }
    std::string s(item.get_string());
    if (s.empty() || s.find_first_not_of(" \t\r\n") == std::string::npos) {
      return unprocessable(where + ": must not be empty");
    }
    if (s.size() > kMaxCustomEntryBytes) {
      return unprocessable(where + ": longer than " + std::to_string(kMaxCustomEntryBytes) +
                           " bytes");
    }
    if (!utf8::isValid(s)) {
      return unprocessable(where + ": not valid UTF-8");
    }
    out.push_back(std::move(s));
  }
  return out;
}

class CustomDetector final : public detect::Detector, public detect::PatternSource {
 public:
  explicit CustomDetector(std::vector<detect::PatternRule> rules) : rules_(std::move(rules)) {}
  std::string_view name() const override { return "custom"; }
  detect::SurfaceSet surfaces() const override { return {.input = true, .output = true}; }
  const detect::PatternSource* patternSource() const override { return this; }
  const std::vector<detect::PatternRule>& patterns() const override { return rules_; }
  bool patternsPerPolicy() const override { return true; }

 private:
  std::vector<detect::PatternRule> rules_;
};

class CustomFactory final : public detect::DetectorFactory {
 public:
  std::string_view name() const override { return "custom"; }
  std::string_view description() const override {
    return "the policy's own keyword and regex lists";
  }

  Result<std::unique_ptr<const detect::Detector>> create(const json::value& config) const override {
    AISAFE_TRY(auto keywords, entries(config, "keywords", kMaxCustomKeywords));
    AISAFE_TRY(auto regexes, entries(config, "regexes", kMaxCustomRegexes));
    std::vector<detect::PatternRule> rules;
    for (std::size_t i = 0; i < keywords.size(); ++i) {
      detect::PatternRule r;
      r.id = "custom.keyword." + std::to_string(i);
      r.category = "custom";
      r.type = "keyword";
      r.severity = detect::Severity::kHigh;
      r.score = 1.0;
      r.pattern = keywordPattern(keywords[i]);
      r.caseless = true;
      r.description = "matches a keyword of the policy's custom list";
      r.redact_as = "REDACTED";
      rules.push_back(std::move(r));
    }
    for (std::size_t i = 0; i < regexes.size(); ++i) {
      if (auto s = detect::checkPattern(regexes[i], false); !s.isOk()) {
        return unprocessable("custom.regexes[" + std::to_string(i) + "]: " + s.message());
      }
      detect::PatternRule r;
      r.id = "custom.regex." + std::to_string(i);
      r.category = "custom";
      r.type = "regex";
      r.severity = detect::Severity::kHigh;
      r.score = 1.0;
      r.pattern = regexes[i];
      r.caseless = false;
      r.description = "matches a regex of the policy's custom list";
      r.redact_as = "REDACTED";
      rules.push_back(std::move(r));
    }
    return std::unique_ptr<const detect::Detector>(new CustomDetector(std::move(rules)));
  }
};

}  // namespace

std::unique_ptr<detect::DetectorFactory> makeCustomFactory() {
  return std::make_unique<CustomFactory>();
}

}  // namespace aisafe::detectors
