#include "detect/pattern_compiler.h"

#include <hs/hs.h>

namespace aisafe::detect {

void HsDatabaseDeleter::operator()(hs_database* db) const { hs_free_database(db); }

bool readsCodePoints(std::string_view pattern) {
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const auto c = static_cast<unsigned char>(pattern[i]);
    if (c >= 0x80) {
      return true;
    }
    if (c == '\\') {
      if (i + 1 == pattern.size()) {
        return true;  // not a pattern vectorscan compiles; let UTF-8 mode say so
      }
      const auto e = static_cast<unsigned char>(pattern[++i]);
      const bool letter_or_digit =
          (e >= '0' && e <= '9') || (e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z');
      if (letter_or_digit &&
          std::string_view("dwsbBnrtf").find(static_cast<char>(e)) == std::string_view::npos) {
        return true;
      }
      if (e >= 0x80) {
        return true;
      }
      continue;
    }
    if (in_class) {
      if (c == '^') {
        return true;  // "[^...]", "[[:^alpha:]]"
      }
      in_class = c != ']';
      continue;
    }
    if (c == '.') {
      return true;
    }
    if (c == '[') {
      in_class = true;
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') {
        ++i;  // "[]...]": ']' is a member
      }
    }
  }
  return false;
}

unsigned flagsFor(std::string_view pattern, bool caseless, bool som) {
  return (readsCodePoints(pattern) ? HS_FLAG_UTF8 : 0u) | (som ? HS_FLAG_SOM_LEFTMOST : 0u) |
         (caseless ? HS_FLAG_CASELESS : 0u);
}

Status checkPattern(const std::string& pattern, bool caseless) {
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile(pattern.c_str(), flagsFor(pattern, caseless), HS_MODE_BLOCK, nullptr, &db, &err) !=
      HS_SUCCESS) {
    std::string msg = err != nullptr ? err->message : "unknown error";
    hs_free_compile_error(err);
    return unprocessable(msg);
  }
  hs_free_database(db);
  return Status::ok();
}

std::string openWideRepeats(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size());
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {  // an escaped character is never syntax
      out += pattern.substr(i, 2);
      ++i;
      continue;
    }
    if (in_class) {
      in_class = c != ']';
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      // A ']' right after "[" or "[^" is a member, not the end of the class.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') {
        out += pattern[++i];
      }
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') {
        out += pattern[++i];
      }
      continue;
    }
    if (c == '{') {
      // "{m,n}": digits, a comma, digits, a closing brace; anything else is copied as it is.
      std::size_t j = i + 1;
      while (j < pattern.size() && pattern[j] >= '0' && pattern[j] <= '9') {
        ++j;
      }
      const std::size_t comma = j;
      if (comma > i + 1 && comma < pattern.size() && pattern[comma] == ',') {
        std::size_t k = comma + 1;
        unsigned long upper = 0;
        while (k < pattern.size() && pattern[k] >= '0' && pattern[k] <= '9' && upper < 100000) {
          upper = upper * 10 + static_cast<unsigned long>(pattern[k] - '0');
          ++k;
        }
        if (k > comma + 1 && k < pattern.size() && pattern[k] == '}' && upper >= kWideRepeat) {
          out += pattern.substr(i, comma + 1 - i);
          out += '}';
          i = k;
          continue;
        }
      }
    }
    out += c;
  }
  return out;
}

bool staysInOneToken(std::string_view pattern) {
  const auto alnum = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  };
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) {
      return false;  // space, controls
    }
    if (c == '\\') {
      if (i + 1 == pattern.size()) {
        return false;
      }
      const char e = pattern[++i];
      const bool allowed = e == 'd' || e == 'w' || (!in_class && (e == 'b' || e == 'B')) ||
                           (!alnum(e) && static_cast<unsigned char>(e) > 0x20);
      if (!allowed) {
        return false;  // \s, \W, \D, \x20, \t, \Q, \A, \p{..}, ...
      }
      continue;
    }
    if (in_class) {
      if (c == ']') {
        in_class = false;
      }
      continue;
    }
    switch (c) {
      case '[':
        if (i + 1 < pattern.size() && pattern[i + 1] == '^') {
          return false;  // negated class
        }
        in_class = true;
        if (i + 1 < pattern.size() && pattern[i + 1] == ']') {
          ++i;  // "[]...]": ']' is a member
        }
        break;
      case '.':
      case '^':
        return false;
      case '(':
        // Groups and inline case flags only; (?x) would make spaces and '#' mean other things,
        // and look-behind looks before the start.
        if (i + 1 < pattern.size() && pattern[i + 1] == '?') {
          const std::string_view rest = pattern.substr(i + 2);
          const bool plain = rest.starts_with(":") || rest.starts_with("i)") ||
                             rest.starts_with("i:") || rest.starts_with("-i)") ||
                             rest.starts_with("-i:");
          if (!plain) {
            return false;
          }
        }
        break;
      default:
        break;
    }
  }
  return !in_class;
}

Result<HsDatabase> compileRules(const std::vector<const PatternRule*>& rules, bool som) {
  std::vector<const char*> expressions;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    expressions.push_back(rules[i]->pattern.c_str());
    flags.push_back(flagsFor(rules[i]->pattern, rules[i]->caseless, som));
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                       static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr, &db,
                       &err) != HS_SUCCESS) {
    std::string msg = err != nullptr ? err->message : "unknown error";
    if (err != nullptr && err->expression >= 0 &&
        static_cast<std::size_t>(err->expression) < rules.size()) {
      msg = "rule " + rules[static_cast<std::size_t>(err->expression)]->id + ": " + msg;
    }
    hs_free_compile_error(err);
    return unprocessable(msg);
  }
  return HsDatabase(db);
}

}  // namespace aisafe::detect
