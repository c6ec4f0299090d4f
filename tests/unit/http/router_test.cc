#include "http/router.h"

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

}  // namespace
}  // namespace aisafe::http
