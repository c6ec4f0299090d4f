#include "http/router.h"

#include <sstream>

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

// A parameter that is not valid UTF-8 matches nothing: it would reach the database and the JSON
// answer as it is (found by tests/fuzz/http_request_fuzz.cc).
TEST(RouterTest, ParametersThatAreNotUtf8MatchNothing) {
  Router r;
  r.add(bh::verb::get, "/api/v1/policies/{id}", ok);
  auto bad = r.match(bh::verb::get, "/api/v1/policies/pol\xff\xfe");
  EXPECT_EQ(bad.route, nullptr);
  EXPECT_EQ(bad.status, Status::not_found);
  auto good = r.match(bh::verb::get, "/api/v1/policies/caf\xc3\xa9");
  ASSERT_NE(good.route, nullptr);
  EXPECT_EQ(good.params.at("id"), "caf\xc3\xa9");
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

TEST(SerializeJsonTest, RequestFieldsReadAsIfSetOnTheObject) {
  const boost::json::object verdict{
      {"decision", "allow"}, {"risk_score", 0.25}, {"detections", {}}};
  const auto expected = [](boost::json::object o, std::string_view id, std::int64_t us) {
    o["request_id"] = id;
    o["latency_ms"] = static_cast<double>(us) / 1000.0;
    return serializeJson(o);
  };
  std::vector<std::int64_t> latencies;
  for (std::int64_t us = 0; us <= 3000; ++us) {
    latencies.push_back(us);
  }
  for (const std::int64_t us :
       {10'000LL, 10'001LL, 123'456'789LL, 99'999'999'999LL, -1LL, -1'500LL}) {
    latencies.push_back(us);
  }
  for (const std::int64_t us : latencies) {
    ASSERT_EQ(withRequestFields(serializeJson(verdict), "req_1", us),
              expected(verdict, "req_1", us))
        << us;
  }
  // Ids that need escaping, and an empty object.
  for (const std::string_view id : {"req_\"1", "a\\b", "tab\there", "caf\xc3\xa9", ""}) {
    EXPECT_EQ(withRequestFields(serializeJson(verdict), id, 1054), expected(verdict, id, 1054));
    EXPECT_EQ(withRequestFields("{}", id, 7), expected({}, id, 7));
  }
}

TEST(RenderHeadTest, SameBytesAsBeastsSerializer) {
  Response res{Status::too_many_requests, 11};
  res.set(bh::field::content_type, "application/json");
  res.set("RateLimit-Remaining", "0");
  res.set("X-Request-ID", "req_1");
  res.insert("Set-Cookie", "a=1");
  res.insert("Set-Cookie", "b=2");
  res.body() = R"({"error":{}})";
  res.prepare_payload();
  res.keep_alive(false);
  const auto beast_bytes = [](const Response& r) {
    std::ostringstream out;
    out << r;
    return out.str();
  };
  EXPECT_EQ(renderHead(res) + res.body(), beast_bytes(res));
  Response old{Status::ok, 10};
  old.reason("Fine");
  old.body() = "x";
  old.prepare_payload();
  EXPECT_EQ(renderHead(old) + old.body(), beast_bytes(old));
  const Response empty{Status::no_content, 11};
  EXPECT_EQ(renderHead(empty), beast_bytes(empty));
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
