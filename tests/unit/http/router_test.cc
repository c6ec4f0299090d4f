#include "http/router.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace aisafe::http {
namespace {
namespace bh = boost::beast::http;

Response ok(RequestContext&, const Request&) { return Response{bh::status::ok, 11}; }

TEST(RouterTest, MatchesPatternsAndCapturesParams) {
  Router r;
  r.add(bh::verb::get, "/api/v1/policies", ok);
  r.add(bh::verb::get, "/api/v1/policies/{id}", ok);
  r.add(bh::verb::put, "/api/v1/policies/{id}", ok);
  auto m = r.match(bh::verb::get, "/api/v1/policies/pol_1");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/policies/{id}");
  EXPECT_EQ(m.params.at("id"), "pol_1");
}

TEST(RouterTest, UnknownPathIs404AndWrongMethodIs405) {
  Router r;
  r.add(bh::verb::get, "/api/v1/policies/{id}", ok);
  r.add(bh::verb::put, "/api/v1/policies/{id}", ok);
  auto missing = r.match(bh::verb::get, "/nope");
  EXPECT_EQ(missing.route, nullptr);
  EXPECT_EQ(missing.status, Status::not_found);
  auto wrong = r.match(bh::verb::post, "/api/v1/policies/x");
  EXPECT_EQ(wrong.status, Status::method_not_allowed);
  EXPECT_EQ(wrong.allow, "GET, PUT");
}

TEST(RouterTest, OnlyTheMatchingRoutesParamsAreReturned) {
  Router r;
  r.add(bh::verb::get, "/api/v1/policies/{id}/versions", ok);
  r.add(bh::verb::post, "/api/v1/orgs/{org}/keys/{key}", ok);
  r.add(bh::verb::get, "/api/v1/orgs/{org}/keys/{key}", ok);
  r.add(bh::verb::get, "/api/v1/orgs/{other}/{id}/{third}", ok);
  auto m = r.match(bh::verb::get, "/api/v1/orgs/o1/keys/k2");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/orgs/{org}/keys/{key}");
  EXPECT_EQ(m.params.size(), 2U);
  EXPECT_EQ(m.params.at("org"), "o1");
  EXPECT_EQ(m.params.at("key"), "k2");
  auto versions = r.match(bh::verb::get, "/api/v1/policies/p9/versions");
  ASSERT_NE(versions.route, nullptr);
  EXPECT_EQ(versions.params.at("id"), "p9");
  // Repeated and trailing slashes do not make segments; a different length never matches.
  EXPECT_NE(r.match(bh::verb::get, "//api/v1//policies/p9/versions/").route, nullptr);
  EXPECT_EQ(r.match(bh::verb::get, "/api/v1/policies/p9").route, nullptr);
}

}  // namespace
}  // namespace aisafe::http

namespace aisafe::http {
namespace {

TEST(SerializeJsonTest, DoublesArePlainDecimalsAndStringsUntouched) {
  boost::json::value v = {{"a", 0.95},           {"b", 0.0}, {"c", 1.5e-9},
                          {"d", "9.5E-1 stays"}, {"e", 42},  {"f", "q\"1E5"}};
  const std::string s = serializeJson(v);
  EXPECT_NE(s.find("\"a\":0.95"), std::string::npos) << s;
  EXPECT_NE(s.find("\"b\":0.0"), std::string::npos) << s;
  EXPECT_NE(s.find("\"d\":\"9.5E-1 stays\""), std::string::npos) << s;
  EXPECT_NE(s.find("\"e\":42"), std::string::npos) << s;
  EXPECT_NE(s.find("\"f\":\"q\\\"1E5\""), std::string::npos) << s;
  EXPECT_EQ(boost::json::parse(s), v);  // same values, whatever the spelling
}

TEST(SerializeJsonTest, AppendedFieldsReadAsIfSetOnTheObject) {
  boost::json::object verdict{{"decision", "allow"}, {"risk_score", 0.25}, {"detections", {}}};
  const boost::json::object more{{"request_id", "req_\"1"}, {"latency_ms", 1.054}};
  boost::json::object whole = verdict;
  for (const auto& field : more) {
    whole[field.key()] = field.value();
  }
  EXPECT_EQ(appendJsonFields(serializeJson(verdict), more), serializeJson(whole));
  EXPECT_EQ(appendJsonFields("{}", more), serializeJson(more));
  EXPECT_EQ(appendJsonFields(serializeJson(verdict), {}), serializeJson(verdict));
}

TEST(SerializeJsonTest, StringsEndingInBackslashesAndNestedNumbers) {
  boost::json::value v = {{"a\\", "ends in a backslash\\"},
                          {"b", {0.25, -3.5, 1e20, -0.0, 7, "2E3"}},
                          {"c", {{"d\"", 12.75}, {"e", "\\\"1E2\\"}}},
                          {"f", 123456789012345.0}};
  const std::string s = serializeJson(v);
  EXPECT_NE(s.find("[0.25,-3.5,"), std::string::npos) << s;
  EXPECT_NE(s.find("\"2E3\""), std::string::npos) << s;
  EXPECT_NE(s.find(":12.75,"), std::string::npos) << s;
  EXPECT_NE(s.find("\"e\":\"\\\\\\\"1E2\\\\\""), std::string::npos) << s;
  EXPECT_NE(s.find("\"f\":123456789012345.0"), std::string::npos) << s;
  EXPECT_EQ(boost::json::parse(s), v);
}

}  // namespace
}  // namespace aisafe::http
