// The server's credential lane: routes that hash passwords run there, at most
// credential_threads + credential_queue at once; past that the answer is an immediate 503 busy,
// and database routes on the blocking pool keep answering while the lane is full.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "http/server.h"
#include "support/http_client.h"

namespace aisafe::http {
namespace {
namespace bh = boost::beast::http;
using testsupport::HttpClient;
using testsupport::HttpResponse;

// Holds every credential handler until open() so the test knows exactly how many are inside.
class Gate {
 public:
  void waitInside() {
    std::unique_lock lock(mu_);
    ++inside_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return open_; });
  }
  bool waitForInside(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return inside_ >= n; });
  }
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int inside_ = 0;
  bool open_ = false;
};

Response text(const char* body) {
  Response res{bh::status::ok, 11};
  res.body() = body;
  res.prepare_payload();
  return res;
}

TEST(ServerLanesTest, AFullCredentialLaneAnswersBusyAndLeavesOtherRoutesAlone) {
  Gate gate;
  Router router;
  router.add(
      bh::verb::post, "/login",
      [&gate](RequestContext&, const Request&) {
        gate.waitInside();
        return text("signed in");
      },
      Execution::kCredential);
  router.add(
      bh::verb::get, "/records", [](RequestContext&, const Request&) { return text("records"); },
      Execution::kBlocking);
  ServerOptions options;
  options.port = 0;
  options.threads = 1;
  options.credential_threads = 2;
  options.credential_queue = 0;
  Server server(options, std::move(router), MiddlewareChain{});
  ASSERT_TRUE(server.listen().isOk());
  server.start();
  const int port = server.port();

  HttpResponse first, second;
  std::thread a([&] { first = HttpClient(port).request("POST", "/login"); });
  std::thread b([&] { second = HttpClient(port).request("POST", "/login"); });
  ASSERT_TRUE(gate.waitForInside(2));

  HttpResponse refused = HttpClient(port).request("POST", "/login");
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.header("retry-after"), "1");
  EXPECT_EQ(refused.json().at("error").at("code").as_string(), "busy");
  EXPECT_FALSE(refused.header("x-request-id").empty());

  HttpResponse records = HttpClient(port).request("GET", "/records");
  EXPECT_EQ(records.status, 200);
  EXPECT_EQ(records.body, "records");

  gate.open();
  a.join();
  b.join();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(second.status, 200);
  // The finished requests gave their places back.
  EXPECT_EQ(HttpClient(port).request("POST", "/login").status, 200);
  server.stop();
}

// The outbound lane: a handler's blocking remote call waits on a lane thread, not on the I/O
// thread; past the lane's capacity the call does not run and the handler answers without it.
TEST(ServerLanesTest, AFullOutboundLaneRefusesTheCallAndTheHandlerAnswersWithoutIt) {
  Gate gate;
  Router router;
  router.addAsync(bh::verb::post, "/validate",
                  [&gate](RequestContext& ctx, const Request&) -> awaitable<Response> {
                    const bool ran = co_await ctx.offload([&gate] { gate.waitInside(); });
                    co_return text(ran ? "checked" : "degraded");
                  });
  router.add(bh::verb::get, "/health", [](RequestContext&, const Request&) { return text("ok"); });
  ServerOptions options;
  options.port = 0;
  options.threads = 1;
  options.outbound_threads = 1;
  options.outbound_queue = 0;
  Server server(options, std::move(router), MiddlewareChain{});
  ASSERT_TRUE(server.listen().isOk());
  server.start();
  const int port = server.port();

  HttpResponse first;
  std::thread a([&] { first = HttpClient(port).request("POST", "/validate"); });
  ASSERT_TRUE(gate.waitForInside(1));
  // The only I/O thread is free while the lane's thread waits.
  EXPECT_EQ(HttpClient(port).request("GET", "/health").body, "ok");
  HttpResponse overflow = HttpClient(port).request("POST", "/validate");
  EXPECT_EQ(overflow.status, 200);
  EXPECT_EQ(overflow.body, "degraded");

  gate.open();
  a.join();
  EXPECT_EQ(first.body, "checked");
  EXPECT_EQ(HttpClient(port).request("POST", "/validate").body, "checked");
  server.stop();
}

// Middlewares are coroutines around the handler: they see its answer after it resumed.
TEST(ServerLanesTest, MiddlewaresWrapASuspendedHandler) {
  Router router;
  router.addAsync(
      bh::verb::get, "/slow", [](RequestContext& ctx, const Request&) -> awaitable<Response> {
        co_await ctx.offload([] { std::this_thread::sleep_for(std::chrono::milliseconds(20)); });
        co_return text("done");
      });
  MiddlewareChain chain;
  chain.add([](RequestContext& ctx, const Request& req, const Next& next) -> awaitable<Response> {
    Response res = co_await next(ctx, req);
    res.set("X-Wrapped", "yes");
    co_return res;
  });
  ServerOptions options;
  options.port = 0;
  Server server(options, std::move(router), std::move(chain));
  ASSERT_TRUE(server.listen().isOk());
  server.start();
  HttpResponse res = HttpClient(server.port()).request("GET", "/slow");
  EXPECT_EQ(res.body, "done");
  EXPECT_EQ(res.header("x-wrapped"), "yes");
  server.stop();
}

}  // namespace
}  // namespace aisafe::http
