// Which texts of an Anthropic Messages request and answer the proxy scans, and as what.
#include "proxy/anthropic_scan.h"

#include <gtest/gtest.h>

#include "proxy/strict_json.h"

namespace aisafe::proxy {
namespace {

namespace json = boost::json;
using detect::Surface;
using Slot = std::tuple<std::string, Surface, std::string>;

std::vector<Slot> slotsOf(const ScanPlan& plan) {
  std::vector<Slot> out;
  for (const auto& s : plan.slots) {
    out.emplace_back(s.field, s.surface, std::string(*s.text));
  }
  return out;
}

TEST(AnthropicScanTest, EveryBlockIsScannedAsItsSurface) {
  auto body = parseStrictObject(R"({"model":"m","max_tokens":10,
    "system":[{"type":"text","text":"be brief"}],
    "messages":[
      {"role":"user","content":"hi"},
      {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"x"},
        {"type":"text","text":"calling"},
        {"type":"tool_use","id":"t","name":"f","input":{"q":"weather"}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"sunny"}]},
        {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}}]}],
    "tools":[{"name":"f","description":"Looks up","input_schema":{"type":"object"}}]})");
  ASSERT_TRUE(body.isOk()) << body.status().message();
  auto plan = planMessagesRequest(body->get_object());
  ASSERT_TRUE(plan.isOk()) << plan.status().message();
  EXPECT_EQ(slotsOf(*plan),
            (std::vector<Slot>{
                {"system[0].text", Surface::kInput, "be brief"},
                {"messages[0].content", Surface::kInput, "hi"},
                {"messages[1].content[0].thinking", Surface::kOutput, "hmm"},
                {"messages[1].content[1].text", Surface::kOutput, "calling"},
                {"messages[1].content[2].input.q", Surface::kOutput, "weather"},
                {"messages[2].content[0].content[0].text", Surface::kRetrieved, "sunny"},
                {"tools[0].description", Surface::kRetrieved, "Looks up"},
                {"tools[0].input_schema.type", Surface::kRetrieved, "object"},
            }));
  EXPECT_EQ(plan->unscanned_parts, 1u);
}

TEST(AnthropicScanTest, UnknownRolesAndBlocksAreRefused) {
  for (const char* text : {R"({"messages":[{"role":"system","content":"x"}]})",
                           R"({"messages":[{"role":"user","content":[{"type":"video"}]}]})",
                           R"({"messages":[{"role":"user"}]})"}) {
    auto body = parseStrictObject(text);
    ASSERT_TRUE(body.isOk());
    EXPECT_FALSE(planMessagesRequest(body->get_object()).isOk()) << text;
  }
}

TEST(AnthropicScanTest, AnAnswersBlocksAreOutput) {
  auto body = parseStrictObject(R"({"type":"message","content":[{"type":"text","text":"hello"},
    {"type":"tool_use","id":"t","name":"f","input":{"city":"Paris"}}]})");
  ASSERT_TRUE(body.isOk());
  auto plan = planMessagesResponse(body->get_object());
  ASSERT_TRUE(plan.isOk());
  EXPECT_EQ(slotsOf(*plan),
            (std::vector<Slot>{{"content[0].text", Surface::kOutput, "hello"},
                               {"content[1].input.city", Surface::kOutput, "Paris"}}));
}

}  // namespace
}  // namespace aisafe::proxy
