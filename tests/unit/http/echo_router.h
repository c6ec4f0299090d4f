// A router with one route, POST /echo, answering 200 with the request's body: for server tests
// that need a handler whose answer shows which request it belongs to.
#pragma once

#include "http/router.h"

namespace aisafe::http::testing_echo {

inline Router echoRouter() {
  namespace bh = boost::beast::http;
  Router router;
  router.add(bh::verb::post, "/echo", [](RequestContext&, const Request& req) {
    Response res{bh::status::ok, 11};
    res.body() = req.body();
    res.prepare_payload();
    return res;
  });
  return router;
}

}  // namespace aisafe::http::testing_echo
