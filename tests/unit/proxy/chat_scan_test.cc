// Which texts of a chat completion the proxy scans, as what, under which field name; what it
// refuses; and how verdicts redact in place or block.
#include "proxy/chat_scan.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "proxy/scan_outcome.h"
#include "proxy/strict_json.h"

namespace aisafe::proxy {
namespace {

namespace json = boost::json;
using detect::Surface;

json::value parse(std::string_view text) {
  auto v = parseStrictObject(text);
  EXPECT_TRUE(v.isOk()) << v.status().message();
  return v.isOk() ? std::move(v).value() : json::value();
}

std::vector<std::tuple<std::string, Surface, std::string>> slotsOf(const ScanPlan& plan) {
  std::vector<std::tuple<std::string, Surface, std::string>> out;
  for (const auto& s : plan.slots) {
    out.emplace_back(s.field, s.surface, std::string(*s.text));
  }
  return out;
}

TEST(ChatScanTest, EveryRoleIsScannedAsItsSurface) {
  json::value body = parse(R"({"model":"m","messages":[
    {"role":"system","content":"be nice"},
    {"role":"developer","content":"dev"},
    {"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"x"}}]},
    {"role":"assistant","content":"earlier answer","refusal":null,
     "tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},
    {"role":"tool","tool_call_id":"c","content":"tool said"},
    {"role":"function","name":"f","content":"function said"},
    {"role":"user","content":""}]})");
  auto plan = planChatRequest(body.get_object());
  ASSERT_TRUE(plan.isOk()) << plan.status().message();
  using T = std::tuple<std::string, Surface, std::string>;
  EXPECT_EQ(slotsOf(*plan),
            (std::vector<T>{
                T{"messages[0].content", Surface::kInput, "be nice"},
                T{"messages[1].content", Surface::kInput, "dev"},
                T{"messages[2].content[0].text", Surface::kInput, "hi"},
                T{"messages[3].content", Surface::kOutput, "earlier answer"},
                T{"messages[3].tool_calls[0].function.arguments", Surface::kOutput, "{\"a\":1}"},
                T{"messages[4].content", Surface::kRetrieved, "tool said"},
                T{"messages[5].content", Surface::kRetrieved, "function said"},
            }));
  EXPECT_EQ(plan->unscanned_parts, 1u);
}

TEST(ChatScanTest, ToolDefinitionsAreRetrievedContentDownToTheirSchemaStrings) {
  json::value body = parse(R"({"messages":[{"role":"user","content":"q"}],
    "tools":[{"type":"function","function":{"name":"get","description":"Gets things",
      "parameters":{"type":"object","properties":{"city":{"type":"string","description":"The city"}}}}}]})");
  auto plan = planChatRequest(body.get_object());
  ASSERT_TRUE(plan.isOk());
  std::vector<std::string> fields;
  for (const auto& s : plan->slots) {
    if (s.field.rfind("tools", 0) == 0) {
      EXPECT_EQ(s.surface, Surface::kRetrieved) << s.field;
      fields.push_back(s.field);
    }
  }
  EXPECT_EQ(fields, (std::vector<std::string>{
                        "tools[0].function.description", "tools[0].function.parameters.type",
                        "tools[0].function.parameters.properties.city.type",
                        "tools[0].function.parameters.properties.city.description"}));
}

TEST(ChatScanTest, WhatTheProxyCannotReadIsRefusedNamingTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"model":"m"})", "\"messages\" is required"},
      {R"({"messages":{}})", "\"messages\" must be an array"},
      {R"({"messages":[{"role":"wizard","content":"x"}]})", "\"messages[0].role\""},
      {R"({"messages":[{"content":"x"}]})", "\"messages[0].role\" must be a string"},
      {R"({"messages":[{"role":"user","content":42}]})", "\"messages[0].content\""},
      {R"({"messages":[{"role":"user","content":[{"type":"video","video":"x"}]}]})",
       "\"messages[0].content[0].type\""},
      {R"({"messages":[{"role":"user","content":[{"type":"text","text":7}]}]})",
       "\"messages[0].content[0].text\""},
      {R"({"messages":[{"role":"assistant","tool_calls":[{"function":{"arguments":{}}}]}]})",
       "\"messages[0].tool_calls[0].function.arguments\""},
  };
  for (const auto& [text, expected] : cases) {
    json::value body = parse(text);
    auto plan = planChatRequest(body.get_object());
    ASSERT_FALSE(plan.isOk()) << text;
    EXPECT_NE(plan.status().message().find(expected), std::string::npos)
        << text << " -> " << plan.status().message();
  }
}

TEST(ChatScanTest, DuplicateKeysAreRefusedBeforeAnyPlan) {
  auto v = parseStrictObject(R"({"messages":[{"role":"user","content":"a","content":"b"}]})");
  ASSERT_FALSE(v.isOk());
  EXPECT_EQ(v.status().reason(), "duplicate_key");
  EXPECT_EQ(parseStrictObject("[]").status().reason(), "invalid_json");
  EXPECT_EQ(parseStrictObject("{\"a\":\"\xff\"}").status().reason(), "invalid_utf8");
}

TEST(ChatScanTest, AnAnswersContentRefusalAndToolArgumentsAreOutput) {
  json::value body = parse(R"({"choices":[
    {"index":0,"message":{"role":"assistant","content":"hello","refusal":null}},
    {"index":1,"message":{"role":"assistant","content":null,
      "tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}}]})");
  auto plan = planChatResponse(body.get_object());
  ASSERT_TRUE(plan.isOk());
  using T = std::tuple<std::string, Surface, std::string>;
  EXPECT_EQ(slotsOf(*plan),
            (std::vector<T>{
                T{"choices[0].message.content", Surface::kOutput, "hello"},
                T{"choices[1].message.tool_calls[0].function.arguments", Surface::kOutput, "{}"}}));
}

validation::TextVerdict verdict(std::string_view decision, std::string_view field,
                                std::string_view sanitized = "") {
  validation::TextVerdict v;
  v.verdict.decision = std::string(decision);
  v.verdict.body["decision"] = decision;
  json::array detections;
  if (decision != "allow") {
    detections.push_back(json::object{{"detector", "pii"},
                                      {"category", decision == "block" ? "secrets" : "pii"},
                                      {"type", "t"},
                                      {"start", 3},
                                      {"end", 9},
                                      {"action", decision}});
  }
  v.verdict.body["detections"] = std::move(detections);
  if (!sanitized.empty()) {
    v.verdict.body["sanitized_" + std::string(field)] = sanitized;
  }
  return v;
}

TEST(ScanOutcomeTest, RedactionsReplaceTextsInPlaceAndABlockReplacesNothing) {
  json::value body = parse(
      R"({"messages":[{"role":"user","content":"mail a@b.co"},{"role":"user","content":"x"}]})");
  auto plan = planChatRequest(body.get_object());
  ASSERT_TRUE(plan.isOk());
  validation::ValidationResult result;
  result.texts = {verdict("redact", "messages[0].content", "mail [EMAIL]"),
                  verdict("allow", "messages[1].content")};
  ScanOutcome redacted = applyVerdicts(*plan, result);
  EXPECT_FALSE(redacted.blocked);
  EXPECT_TRUE(redacted.redacted);
  EXPECT_EQ(body.at("messages").at(0).at("content").as_string(), "mail [EMAIL]");

  json::value body2 = parse(
      R"({"messages":[{"role":"user","content":"mail a@b.co"},{"role":"user","content":"x"}]})");
  auto plan2 = planChatRequest(body2.get_object());
  ASSERT_TRUE(plan2.isOk());
  result.texts[1] = verdict("block", "messages[1].content");
  ScanOutcome blocked = applyVerdicts(*plan2, result);
  EXPECT_TRUE(blocked.blocked);
  EXPECT_FALSE(blocked.redacted);
  EXPECT_EQ(body2.at("messages").at(0).at("content").as_string(), "mail a@b.co");
  ASSERT_EQ(blocked.findings.size(), 1u);
  EXPECT_EQ(blocked.findings[0].at("field").as_string(), "messages[1].content");
  EXPECT_EQ(blocked.findings[0].at("start").as_int64(), 3);
  EXPECT_EQ(blocked.categories, std::vector<std::string>{"secrets"});
}

}  // namespace
}  // namespace aisafe::proxy
