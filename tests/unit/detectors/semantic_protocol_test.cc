// The semantic detector's wire formats: what is sent, and every kind of answer a guard service
// can give, right or wrong, without a network.
#include "detectors/semantic/semantic_protocol.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "detectors/semantic/semantic_detector.h"

namespace aisafe::detectors::semantic {
namespace {

namespace json = boost::json;

std::string chat(const std::string& content) {
  return json::serialize(json::object{
      {"choices", json::array{json::object{
                      {"message", json::object{{"role", "assistant"}, {"content", content}}}}}}});
}

TEST(SemanticProtocolTest, ChatRequestsCarryTheModelAndTheTurn) {
  const json::value in = json::parse(
      requestBody(Format::kOpenAiChat, "guard", "hi \"there\"", detect::Surface::kInput));
  EXPECT_EQ(in.at("model"), "guard");
  EXPECT_EQ(in.at("messages").as_array().size(), 1u);
  EXPECT_EQ(in.at("messages").at(0).at("content"), "hi \"there\"");
  const json::value out =
      json::parse(requestBody(Format::kOpenAiChat, "guard", "answer", detect::Surface::kOutput));
  EXPECT_EQ(out.at("messages").at(1).at("role"), "assistant");
  EXPECT_EQ(out.at("messages").at(1).at("content"), "answer");
  const json::value j =
      json::parse(requestBody(Format::kJson, "", "page", detect::Surface::kRetrieved));
  EXPECT_EQ(j.at("text"), "page");
  EXPECT_EQ(j.at("surface"), "retrieved");
}

TEST(SemanticProtocolTest, ReadsLlamaGuardVerdicts) {
  auto safe = parseAnswer(Format::kOpenAiChat, chat("safe"));
  ASSERT_TRUE(safe.isOk()) << safe.status().message();
  EXPECT_FALSE(safe->unsafe);
  auto unsafe = parseAnswer(Format::kOpenAiChat, chat("\n\nunsafe\nS1, S10,S1\n"));
  ASSERT_TRUE(unsafe.isOk());
  EXPECT_TRUE(unsafe->unsafe);
  EXPECT_EQ(unsafe->categories, (std::vector<std::string>{"s1", "s10"}));
  auto bare = parseAnswer(Format::kOpenAiChat, chat("Unsafe"));
  ASSERT_TRUE(bare.isOk());
  EXPECT_TRUE(bare->unsafe);
  EXPECT_TRUE(bare->categories.empty());
  EXPECT_EQ(categoryName("s11"), "suicide and self-harm");
  EXPECT_EQ(categoryName("s99"), "");
}

TEST(SemanticProtocolTest, ReadsJsonVerdicts) {
  auto v = parseAnswer(Format::kJson,
                       R"({"label":"unsafe","score":0.8,"categories":["Self-Harm","x",7]})");
  ASSERT_TRUE(v.isOk()) << v.status().message();
  EXPECT_TRUE(v->unsafe);
  EXPECT_DOUBLE_EQ(*v->score, 0.8);
  EXPECT_EQ(v->categories, (std::vector<std::string>{"self_harm", "x"}));
  auto safe = parseAnswer(Format::kJson, R"({"label":"SAFE"})");
  ASSERT_TRUE(safe.isOk());
  EXPECT_FALSE(safe->unsafe);
  // The cache's form reads back as what was written.
  auto again = deserialize(serialize(*v));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->categories, v->categories);
  EXPECT_DOUBLE_EQ(*again->score, 0.8);
}

TEST(SemanticProtocolTest, WrongAnswersAreBadAnswersNotVerdicts) {
  for (const std::string& body :
       {std::string("<html>down</html>"), std::string(""), std::string("[]"), std::string("{}"),
        std::string(R"({"choices":[]})"), std::string(R"({"choices":[{"message":{}}]})"),
        chat("maybe"), chat(""), chat("I cannot help with that")}) {
    auto v = parseAnswer(Format::kOpenAiChat, body);
    ASSERT_FALSE(v.isOk()) << body;
    EXPECT_EQ(v.status().reason(), "bad_answer") << body;
  }
  for (const std::string& body :
       {std::string(R"({"label":1})"), std::string(R"({"label":"unsure"})"),
        std::string(R"({"label":"unsafe","score":1.5})"),
        std::string(R"({"label":"unsafe","score":"high"})"),
        std::string(R"({"label":"unsafe","categories":"violence"})")}) {
    auto v = parseAnswer(Format::kJson, body);
    ASSERT_FALSE(v.isOk()) << body;
    EXPECT_EQ(v.status().reason(), "bad_answer") << body;
  }
}

TEST(SemanticProtocolTest, CategoriesAreBoundedInNumberAndSpelling) {
  std::string codes = "unsafe\n";
  for (int i = 0; i < 100; ++i) codes += "S" + std::to_string(i) + ",";
  codes += std::string(500, 'A');
  auto v = parseAnswer(Format::kOpenAiChat, chat(codes));
  ASSERT_TRUE(v.isOk());
  EXPECT_EQ(v->categories.size(), 16u);
  auto odd = parseAnswer(Format::kJson, R"({"label":"unsafe","categories":["{}\"<>","--"]})");
  ASSERT_TRUE(odd.isOk());
  EXPECT_TRUE(odd->categories.empty());
}

TEST(SemanticFindingsTest, OneFindingPerCategorySpanningTheText) {
  detect::Findings out;
  appendSemanticFindings(Verdict{.unsafe = false}, 10, out);
  EXPECT_TRUE(out.empty());
  appendSemanticFindings(Verdict{.unsafe = true, .score = 0.7, .categories = {"s1", "custom"}}, 10,
                         out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].category, "unsafe_content");
  EXPECT_EQ(out[0].type, "s1");
  EXPECT_EQ(out[0].end, 10u);
  EXPECT_DOUBLE_EQ(out[0].score, 0.7);
  EXPECT_NE(out[0].message.find("violent crimes"), std::string::npos);
  EXPECT_NE(out[1].message.find("custom"), std::string::npos);
  out.clear();
  appendSemanticFindings(Verdict{.unsafe = true}, 3, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "unspecified");
  EXPECT_DOUBLE_EQ(out[0].score, 1.0);
}

}  // namespace
}  // namespace aisafe::detectors::semantic
