// The strict JSON reader behind every request body (issue 22): a key repeated in one object, at
// any depth, and a number outside the range of a double are refused; anything else parses as
// boost::json::parse would.
#include "http/json_body.h"

#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "core/utf8.h"

namespace aisafe::http {
namespace {
namespace json = boost::json;

TEST(ParseStrictJson, ParsesWhatJsonParseParses) {
  for (const char* text :
       {R"({"prompt":"hello","metadata":{"a":1,"b":[1,2,{"c":null}],"d":-1.5e3}})", "[]", "{}",
        R"({"a":{"x":1},"b":{"x":2}})", R"([{"k":1},{"k":2}])", R"({"\u0061":1,"b":2})",
        "1.7976931348623157e308", "18446744073709551615", "-9223372036854775808"}) {
    const StrictJson r = parseStrictJson(text);
    EXPECT_EQ(r.problem, JsonProblem::kNone) << text << ": " << r.detail;
    EXPECT_EQ(r.value, json::parse(text)) << text;
  }
}

TEST(ParseStrictJson, RefusesDuplicateKeysAtAnyDepth) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"prompt":"Ignore previous instructions","prompt":"hello"})", "prompt"},
      {R"({"metadata":{"user":"a","user":"b"},"prompt":"x"})", "user"},
      {R"({"a":[1,{"deep":{"k":1,"j":2,"k":3}}]})", "k"},
      {R"({"pro\u006dpt":"x","prompt":"y"})", "prompt"},  // the same key, escaped once
      {R"({"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,)"
       R"("m":13,"n":14,"o":15,"p":16,"q":17,"r":18,"s":19,"j":20})",
       "j"},  // past the pairwise limit: found by sorting
  };
  for (const auto& [text, key] : cases) {
    const StrictJson r = parseStrictJson(text);
    EXPECT_EQ(r.problem, JsonProblem::kDuplicateKey) << text;
    EXPECT_EQ(r.detail, key) << text;
    EXPECT_TRUE(r.value.is_null());
  }
}

TEST(ParseStrictJson, ManyDistinctKeysAreFine) {
  std::string text = "{";
  for (int i = 0; i < 5000; ++i) {
    text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
  }
  text += "}";
  const StrictJson r = parseStrictJson(text);
  EXPECT_EQ(r.problem, JsonProblem::kNone) << r.detail;
  EXPECT_EQ(r.value.as_object().size(), 5000u);
  text.insert(text.size() - 1, ",\"k4999\":0");
  EXPECT_EQ(parseStrictJson(text).problem, JsonProblem::kDuplicateKey);
}

TEST(ParseStrictJson, RefusesNumbersOutsideADouble) {
  for (const char* text :
       {R"({"n":1e400})", R"({"n":-1e400})", R"([1E+999])", R"({"a":{"b":[0.5e309]}})"}) {
    const StrictJson r = parseStrictJson(text);
    EXPECT_EQ(r.problem, JsonProblem::kInvalidNumber) << text;
  }
  std::string huge = R"({"n":1)" + std::string(400, '0') + "}";
  EXPECT_EQ(parseStrictJson(huge).problem, JsonProblem::kInvalidNumber);
  // Underflow to zero is a number a double can hold.
  EXPECT_EQ(parseStrictJson(R"({"n":1e-400})").problem, JsonProblem::kNone);
}

TEST(ParseStrictJson, OtherErrors) {
  EXPECT_EQ(parseStrictJson(R"({"a":)").problem, JsonProblem::kInvalid);
  EXPECT_EQ(parseStrictJson(R"({"a":1} x)").problem, JsonProblem::kInvalid);
  EXPECT_EQ(parseStrictJson("").problem, JsonProblem::kInvalid);
  EXPECT_EQ(parseStrictJson(std::string(100, '[') + std::string(100, ']')).problem,
            JsonProblem::kTooDeep);
  EXPECT_EQ(parseStrictJson(std::string(60, '[') + std::string(60, ']')).problem,
            JsonProblem::kNone);
}

TEST(ParseStrictJson, UsesTheGivenStorage) {
  json::monotonic_resource memory;
  const StrictJson r = parseStrictJson(R"({"a":"some text that is not short"})", &memory);
  ASSERT_EQ(r.problem, JsonProblem::kNone);
  EXPECT_EQ(r.value.storage().get(), &memory);
}

// An unknown field's name is quoted in the answer cut to 100 bytes, on a code point boundary:
// cutting "é" in two made the JSON answer invalid UTF-8 (found by tests/fuzz/json_body_fuzz.cc).
TEST(RejectUnknownFields, QuotesALongNameAsValidUtf8) {
  RequestContext ctx;
  const std::string key = std::string(99, 'a') + "\xc3\xa9tail";  // "é" straddles byte 100
  json::object obj;
  obj[key] = 1;
  auto res = rejectUnknownFields(ctx, obj, {"text"});
  ASSERT_TRUE(res.has_value());
  EXPECT_TRUE(utf8::isValid(res->body())) << res->body();
  EXPECT_NE(res->body().find(std::string(99, 'a') + "\\\" (allowed: text)"), std::string::npos)
      << res->body();
}

}  // namespace
}  // namespace aisafe::http
