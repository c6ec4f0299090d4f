// Which inputs of an embeddings request the proxy scans, and what it refuses.
#include "proxy/embeddings_scan.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "proxy/strict_json.h"

namespace aisafe::proxy {
namespace {

namespace json = boost::json;

json::value parse(std::string_view text) {
  auto v = parseStrictObject(text);
  EXPECT_TRUE(v.isOk()) << v.status().message();
  return v.isOk() ? std::move(v).value() : json::value();
}

TEST(EmbeddingsScanTest, EveryInputIsScannedAsAPrompt) {
  json::value one = parse(R"({"model":"m","input":"the quarterly report"})");
  auto plan = planEmbeddingsRequest(one.get_object());
  ASSERT_TRUE(plan.isOk()) << plan.status().message();
  ASSERT_EQ(plan->slots.size(), 1u);
  EXPECT_EQ(plan->slots[0].field, "input");
  EXPECT_EQ(plan->slots[0].surface, detect::Surface::kInput);

  json::value many = parse(R"({"model":"m","input":["first","","third"]})");
  plan = planEmbeddingsRequest(many.get_object());
  ASSERT_TRUE(plan.isOk()) << plan.status().message();
  ASSERT_EQ(plan->slots.size(), 2u);  // the empty text is left out
  EXPECT_EQ(plan->slots[0].field, "input[0]");
  EXPECT_EQ(plan->slots[1].field, "input[2]");
  EXPECT_EQ(*plan->slots[1].text, "third");
}

TEST(EmbeddingsScanTest, TokenIdsAndWrongTypesAreRefused) {
  for (const char* body : {R"({"model":"m","input":[1,2,3]})", R"({"model":"m","input":[[1,2],[3]]})"}) {
    json::value v = parse(body);
    auto plan = planEmbeddingsRequest(v.get_object());
    ASSERT_FALSE(plan.isOk()) << body;
    EXPECT_EQ(plan.status().reason(), "unscannable_input") << body;
  }
  for (const char* body : {R"({"model":"m"})", R"({"model":"m","input":null})",
                           R"({"model":"m","input":{"text":"x"}})",
                           R"({"model":"m","input":["ok",true]})"}) {
    json::value v = parse(body);
    auto plan = planEmbeddingsRequest(v.get_object());
    ASSERT_FALSE(plan.isOk()) << body;
    EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument) << body;
    EXPECT_EQ(plan.status().reason(), "invalid_request") << body;
  }
}

}  // namespace
}  // namespace aisafe::proxy
