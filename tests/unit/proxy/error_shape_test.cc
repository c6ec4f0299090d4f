// aisafe's error answers on the proxy routes, rewritten into the provider's shape.
#include "proxy/error_shape.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "http/response.h"

namespace aisafe::proxy {
namespace {

namespace json = boost::json;

http::Response aisafeError(http::Status status) {
  http::Response res =
      http::jsonResponse(status, json::object{{"error", json::object{{"code", "invalid_api_key"},
                                                                     {"message", "no such key"},
                                                                     {"request_id", "req_1"}}}});
  res.set(boost::beast::http::field::www_authenticate, "Bearer");
  return res;
}

TEST(ErrorShapeTest, OpenAiRoutesGetATypeAndKeepTheRest) {
  http::Response res = inProviderShape(aisafeError(http::Status::unauthorized), "openai");
  const json::value body = json::parse(res.body());
  EXPECT_EQ(body.at("error").at("type").as_string(), "authentication_error");
  EXPECT_EQ(body.at("error").at("code").as_string(), "invalid_api_key");
  EXPECT_EQ(body.at("error").at("request_id").as_string(), "req_1");
  EXPECT_TRUE(body.at("error").at("param").is_null());
  EXPECT_EQ(res[boost::beast::http::field::www_authenticate], "Bearer");
  EXPECT_EQ(res[boost::beast::http::field::content_length], std::to_string(res.body().size()));
}

TEST(ErrorShapeTest, AnthropicRoutesGetItsEnvelope) {
  http::Response res = inProviderShape(aisafeError(http::Status::too_many_requests), "anthropic");
  const json::value body = json::parse(res.body());
  EXPECT_EQ(body.at("type").as_string(), "error");
  EXPECT_EQ(body.at("error").at("type").as_string(), "rate_limit_error");
  EXPECT_EQ(body.at("error").at("message").as_string(), "no such key");
}

TEST(ErrorShapeTest, AnswersAlreadyInTheProvidersShapePassAsTheyAre) {
  http::Response shaped = http::jsonResponse(
      http::Status::bad_request,
      json::object{
          {"error", json::object{{"type", "content_policy_violation"}, {"message", "x"}}}});
  const std::string before = shaped.body();
  EXPECT_EQ(inProviderShape(std::move(shaped), "openai").body(), before);
  http::Response text{http::Status::bad_request, 11};
  text.body() = "not json";
  EXPECT_EQ(inProviderShape(std::move(text), "anthropic").body(), "not json");
}

}  // namespace
}  // namespace aisafe::proxy
