// Token usage read from each provider's answers, and the include_usage the proxy adds to a
// streamed request and takes back out of the stream.
#include "proxy/usage.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "http/response.h"
#include "proxy/strict_json.h"

namespace aisafe::proxy {
namespace {

namespace json = boost::json;

json::object parse(std::string_view text) {
  auto v = parseStrictObject(text);
  EXPECT_TRUE(v.isOk()) << v.status().message();
  return v.isOk() ? std::move(v).value().get_object() : json::object();
}

TEST(UsageTest, ChatCompletionAndEmbeddingsUsage) {
  auto chat = openAiUsage(parse(
      R"({"model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}})"));
  ASSERT_TRUE(chat.has_value());
  EXPECT_EQ(chat->prompt_tokens, 12);
  EXPECT_EQ(chat->completion_tokens, 5);

  auto embeddings =
      openAiUsage(parse(R"({"data":[],"usage":{"prompt_tokens":8,"total_tokens":8}})"));
  ASSERT_TRUE(embeddings.has_value());
  EXPECT_EQ(embeddings->prompt_tokens, 8);
  EXPECT_EQ(embeddings->completion_tokens, 0);
}

TEST(UsageTest, AnEmbeddingsAnswersUsageIsReadFromItsEndWithoutTheVectors) {
  std::string answer = R"({"object":"list","data":[{"object":"embedding","index":0,"embedding":[)";
  for (int i = 0; i < 1000; ++i) {
    answer += i == 0 ? "0.125" : ",-0.5e-3";
  }
  answer += R"(]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}
)";
  auto usage = trailingOpenAiUsage(answer);
  ASSERT_TRUE(usage.has_value());
  EXPECT_EQ(usage->prompt_tokens, 8);
  EXPECT_EQ(usage->completion_tokens, 0);
  // Whatever it returns agrees with a whole parse.
  EXPECT_EQ(openAiUsage(parse(answer))->prompt_tokens, 8);
}

TEST(UsageTest, UsageNotLastOrNotTopLevelIsLeftToTheWholeParse) {
  EXPECT_FALSE(trailingOpenAiUsage(R"({"usage":{"prompt_tokens":8},"model":"m"})").has_value());
  EXPECT_FALSE(trailingOpenAiUsage(R"({"usage":{"prompt_tokens":8},"model":"usage"})").has_value());
  EXPECT_FALSE(trailingOpenAiUsage(R"({"data":[{"usage":{"prompt_tokens":8}}]})").has_value());
  EXPECT_FALSE(trailingOpenAiUsage(R"({"x":{"usage":{"prompt_tokens":8}}})").has_value());
  EXPECT_FALSE(trailingOpenAiUsage(R"({"usage":{"prompt_tokens":8})").has_value());
  EXPECT_FALSE(trailingOpenAiUsage(R"({"usage":{"prompt_tokens":8}}})").has_value());
  EXPECT_FALSE(trailingOpenAiUsage(R"({"usage":null})").has_value());
  EXPECT_FALSE(trailingOpenAiUsage("").has_value());
}

TEST(UsageTest, AnthropicUsage) {
  auto usage =
      anthropicUsage(parse(R"({"type":"message","usage":{"input_tokens":20,"output_tokens":7}})"));
  ASSERT_TRUE(usage.has_value());
  EXPECT_EQ(usage->prompt_tokens, 20);
  EXPECT_EQ(usage->completion_tokens, 7);
  // OpenAI's names in an Anthropic answer are not Anthropic's usage.
  EXPECT_FALSE(anthropicUsage(parse(R"({"usage":{"prompt_tokens":1}})")).has_value());
}

TEST(UsageTest, MissingOrMalformedUsageIsNoUsage) {
  EXPECT_FALSE(openAiUsage(parse(R"({"choices":[]})")).has_value());
  EXPECT_FALSE(openAiUsage(parse(R"({"usage":null})")).has_value());
  EXPECT_FALSE(openAiUsage(parse(R"({"usage":{"completion_tokens":3}})")).has_value());
  EXPECT_FALSE(openAiUsage(parse(R"({"usage":{"prompt_tokens":-1}})")).has_value());
  EXPECT_FALSE(openAiUsage(parse(R"({"usage":{"prompt_tokens":"12"}})")).has_value());
  EXPECT_FALSE(openAiUsage(parse(R"({"usage":{"prompt_tokens":1.5}})")).has_value());
}

TEST(UsageTest, ModelOfTheAnswer) {
  EXPECT_EQ(modelOf(parse(R"({"model":"gpt-4o-mini"})")), "gpt-4o-mini");
  EXPECT_EQ(modelOf(parse(R"({"model":7})")), "");
  EXPECT_EQ(modelOf(parse(R"({})")), "");
}

TEST(StreamUsageTest, AddedWhenTheCallerDidNotAsk) {
  json::object absent = parse(R"({"model":"m","stream":true,"messages":[]})");
  EXPECT_EQ(askForStreamUsage(absent), StreamUsageAsk::kAddedOptions);
  EXPECT_EQ(http::serializeJson(absent.at("stream_options")), R"({"include_usage":true})");

  json::object other_option =
      parse(R"({"stream":true,"stream_options":{"something_else":1}})");
  EXPECT_EQ(askForStreamUsage(other_option), StreamUsageAsk::kSetInOptions);
  EXPECT_EQ(http::serializeJson(other_option.at("stream_options")),
            R"({"something_else":1,"include_usage":true})");

  json::object declined = parse(R"({"stream":true,"stream_options":{"include_usage":false}})");
  EXPECT_EQ(askForStreamUsage(declined), StreamUsageAsk::kSetInOptions);
  EXPECT_TRUE(declined.at("stream_options").at("include_usage").as_bool());

  json::object null_options = parse(R"({"stream":true,"stream_options":null})");
  EXPECT_EQ(askForStreamUsage(null_options), StreamUsageAsk::kSetInOptions);
  EXPECT_TRUE(null_options.at("stream_options").at("include_usage").as_bool());
}

TEST(StreamUsageTest, ACallerThatAskedOrWroteSomethingOddIsLeftAlone) {
  for (std::string_view body :
       {R"({"stream":true,"stream_options":{"include_usage":true}})",
        R"({"stream":true,"stream_options":{"include_usage":"yes"}})",
        R"({"stream":true,"stream_options":"include_usage"})"}) {
    json::object request = parse(body);
    const std::string before = http::serializeJson(request);
    EXPECT_EQ(askForStreamUsage(request), StreamUsageAsk::kCallerAsked) << body;
    EXPECT_EQ(http::serializeJson(request), before) << body;
  }
}

TEST(StreamUsageTest, TheInsertedMemberLeavesEveryOtherByteAsReceived) {
  const std::string raw = "  {\n  \"model\" : \"m\",\"stream\":true, \"n\": 1.0e0 }";
  const std::string forwarded = withStreamUsageOption(raw);
  EXPECT_EQ(forwarded,
            "  {\"stream_options\":{\"include_usage\":true},\n  \"model\" : \"m\",\"stream\":true, "
            "\"n\": 1.0e0 }");
  // Still one strict JSON object, with the member once.
  auto reparsed = parseStrictObject(forwarded);
  ASSERT_TRUE(reparsed.isOk()) << reparsed.status().message();
  EXPECT_TRUE(reparsed->get_object().at("stream_options").at("include_usage").as_bool());
}

TEST(StreamUsageTest, TheUsageChunkIsDroppedAndOtherChunksLoseTheirNullUsage) {
  json::object usage_chunk = parse(
      R"({"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}})");
  EXPECT_TRUE(removeStreamUsage(usage_chunk));

  json::object content = parse(
      R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hi"}}],"usage":null})");
  EXPECT_FALSE(removeStreamUsage(content));
  EXPECT_FALSE(content.contains("usage"));
  EXPECT_EQ(content.at("choices").as_array().size(), 1u);

  // A provider that puts usage on the last content chunk: the content stays, the usage goes.
  json::object last = parse(
      R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":3}})");
  EXPECT_FALSE(removeStreamUsage(last));
  EXPECT_FALSE(last.contains("usage"));
}

}  // namespace
}  // namespace aisafe::proxy
