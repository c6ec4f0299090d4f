// Unit tests for http/outbound_client.h against a real local TCP server that answers, stalls,
// or floods: the deadline, the size cap, the address filter and the error reasons.
#include "http/outbound_client.h"

#include <atomic>
#include <thread>

#include <boost/asio.hpp>
#include <gtest/gtest.h>

#include "support/fake_http_service.h"

namespace aisafe::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Accepts connections on 127.0.0.1 and answers each with `reply` (after reading the request
// head, unless `answer_at_once`), or holds it open without answering when `reply` is empty.
class LocalServer {
 public:
  explicit LocalServer(std::string reply, bool answer_at_once = false)
      : reply_(std::move(reply)), answer_at_once_(answer_at_once) {
    acceptor_.open(tcp::v4());
    acceptor_.bind({asio::ip::make_address_v4("127.0.0.1"), 0});
    acceptor_.listen();
    thread_ = std::thread([this] { serve(); });
  }
  ~LocalServer() {
    stop_ = true;
    // A blocking accept() is not woken by closing the acceptor from another thread; a
    // connection of our own is what wakes it, and the loop then sees stop_.
    boost::system::error_code ignored;
    asio::io_context ioc;
    tcp::socket waker(ioc);
    waker.connect({asio::ip::make_address_v4("127.0.0.1"), static_cast<unsigned short>(port())},
                  ignored);
    thread_.join();
    acceptor_.close(ignored);
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  std::string lastRequest() const { return last_request_; }

 private:
  void serve() {
    while (!stop_) {
      boost::system::error_code ec;
      tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec || stop_) return;
      if (!answer_at_once_) {
        asio::streambuf head;
        asio::read_until(socket, head, "\r\n\r\n", ec);
        last_request_ =
            std::string(asio::buffers_begin(head.data()), asio::buffers_end(head.data()));
      }
      if (reply_.empty()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(700));
        continue;
      }
      asio::write(socket, asio::buffer(reply_), ec);
    }
  }

  std::string reply_;
  bool answer_at_once_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_{ioc_};
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::string last_request_;
};

OutboundRequest to(int port, std::string path = "/") {
  OutboundRequest r;
  r.url = "http://127.0.0.1:" + std::to_string(port) + path;
  return r;
}

TEST(OutboundClientTest, FetchesStatusHeadersAndBody) {
  LocalServer server(
      "HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-Test: yes\r\nConnection: close\r\n\r\nhello");
  OutboundRequest r = to(server.port(), "/hooks?a=1");
  r.method = "POST";
  r.body = "{}";
  r.headers = {{"webhook-id", "msg_1"}};
  auto res = sendOutbound(r);
  ASSERT_TRUE(res.isOk()) << res.status().message();
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->body, "hello");
  bool found = false;
  for (const auto& [k, v] : res->headers) found = found || (k == "X-Test" && v == "yes");
  EXPECT_TRUE(found);
  EXPECT_NE(server.lastRequest().find("POST /hooks?a=1 HTTP/1.1"), std::string::npos);
  EXPECT_NE(server.lastRequest().find("webhook-id: msg_1"), std::string::npos);
}

TEST(OutboundClientTest, AStalledServerCostsTheDeadlineNotMore) {
  LocalServer server("");
  OutboundRequest r = to(server.port());
  r.timeout = std::chrono::milliseconds(200);
  const auto started = std::chrono::steady_clock::now();
  auto res = sendOutbound(r);
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(res.isOk());
  EXPECT_EQ(res.status().reason(), "timeout");
  // Generous bound: the point is "returns", not a timing claim.
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(OutboundClientTest, AnswersOverTheCapAreRefused) {
  LocalServer server("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" +
                     std::string(100000, 'x'));
  OutboundRequest r = to(server.port());
  r.max_response_bytes = 1000;
  auto res = sendOutbound(r);
  ASSERT_FALSE(res.isOk());
  EXPECT_EQ(res.status().reason(), "response_too_large");
}

TEST(OutboundClientTest, TheAddressFilterRunsBeforeConnecting) {
  LocalServer server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  OutboundRequest r = to(server.port());
  r.allow_address = [](const asio::ip::address& a) { return !a.is_loopback(); };
  auto res = sendOutbound(r);
  ASSERT_FALSE(res.isOk());
  EXPECT_EQ(res.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(res.status().reason(), "address_not_allowed");
  EXPECT_EQ(server.lastRequest(), "");
}

TEST(OutboundClientTest, ClearReasonsForBadUrlsRefusedConnectionsAndFailedTls) {
  for (const char* url :
       {"", "not a url", "ftp://x/", "http:///nohost", "http://user:pw@127.0.0.1/"}) {
    OutboundRequest r;
    r.url = url;
    auto res = sendOutbound(r);
    ASSERT_FALSE(res.isOk()) << url;
    EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument) << url;
  }
  int closed_port = 0;
  {
    LocalServer gone("x");
    closed_port = gone.port();
  }
  auto refused = sendOutbound(to(closed_port));
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().reason(), "connect_failed");

  // Plain HTTP where TLS is expected: the server answers without waiting for a request head
  // (a ClientHello never has one), and the handshake fails on the reply.
  LocalServer plain("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", /*answer_at_once=*/true);
  OutboundRequest r;
  r.url = "https://127.0.0.1:" + std::to_string(plain.port()) + "/";
  auto tls = sendOutbound(r);
  ASSERT_FALSE(tls.isOk());
  EXPECT_EQ(tls.status().reason(), "tls_failed");
}

using testsupport::FakeHttpService;
using testsupport::FakeReply;

TEST(OutboundPoolTest, CallsToOneOriginShareAKeptAliveConnection) {
  FakeHttpService service([](const auto& req) { return FakeReply{200, "echo:" + req.body}; });
  OutboundPool pool;
  for (int i = 0; i < 5; ++i) {
    OutboundRequest r = to(service.port(), "/classify");
    r.method = "POST";
    r.body = std::to_string(i);
    auto res = pool.send(r);
    ASSERT_TRUE(res.isOk()) << res.status().message();
    EXPECT_EQ(res->body, "echo:" + std::to_string(i));
  }
  EXPECT_EQ(service.connectionsAccepted(), 1u);
  EXPECT_EQ(pool.stats().connections_opened, 1u);
  EXPECT_EQ(pool.stats().calls_on_reused_connections, 4u);
  EXPECT_NE(service.received()[0].headers["connection"], "close");
}

TEST(OutboundPoolTest, AConnectionTheServerClosedIsReplacedWithoutAnError) {
  FakeHttpService service([](const auto&) { return FakeReply{200, "ok"}; });
  OutboundPool pool;
  ASSERT_TRUE(pool.send(to(service.port())).isOk());
  service.dropConnections();  // the idle pooled connection is now dead
  auto res = pool.send(to(service.port()));
  ASSERT_TRUE(res.isOk()) << res.status().message();
  EXPECT_EQ(res->body, "ok");
  EXPECT_EQ(service.connectionsAccepted(), 2u);
  EXPECT_EQ(service.received().size(), 2u);  // the dead connection carried no request
}

TEST(OutboundPoolTest, ConnectionsTheServerClosesAreNotPooled) {
  FakeHttpService service([](const auto&) {
    FakeReply reply{200, "bye"};
    reply.close = true;
    return reply;
  });
  OutboundPool pool;
  ASSERT_TRUE(pool.send(to(service.port())).isOk());
  ASSERT_TRUE(pool.send(to(service.port())).isOk());
  EXPECT_EQ(pool.stats().connections_opened, 2u);
  EXPECT_EQ(pool.stats().calls_on_reused_connections, 0u);
}

// Bounded across origins (webhooks reach many receivers), and idle connections past the idle
// timeout are closed rather than reused.
TEST(OutboundPoolTest, IdleConnectionsAreBoundedAndExpire) {
  FakeHttpService a([](const auto&) { return FakeReply{200, "a"}; });
  FakeHttpService b([](const auto&) { return FakeReply{200, "b"}; });
  OutboundPool::Options options;
  options.max_idle_total = 1;
  options.idle_timeout = std::chrono::milliseconds(200);
  OutboundPool pool(options);
  ASSERT_TRUE(pool.send(to(a.port())).isOk());
  ASSERT_TRUE(pool.send(to(b.port())).isOk());  // not kept: a's connection fills the pool
  ASSERT_TRUE(pool.send(to(b.port())).isOk());
  EXPECT_EQ(b.connectionsAccepted(), 2u);
  ASSERT_TRUE(pool.send(to(a.port())).isOk());
  EXPECT_EQ(a.connectionsAccepted(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(pool.send(to(a.port())).isOk());
  EXPECT_EQ(a.connectionsAccepted(), 2u);
}

TEST(OutboundPoolTest, ASlowAnswerCostsTheDeadlineAndItsConnectionIsDropped) {
  FakeHttpService service([](const auto& req) {
    FakeReply reply{200, "late"};
    if (req.body == "slow") reply.delay = std::chrono::milliseconds(800);
    return reply;
  });
  OutboundPool pool;
  OutboundRequest slow = to(service.port());
  slow.method = "POST";
  slow.body = "slow";
  slow.timeout = std::chrono::milliseconds(150);
  auto res = pool.send(slow);
  ASSERT_FALSE(res.isOk());
  EXPECT_EQ(res.status().reason(), "timeout");
  // The late answer must never be read as the answer to the next call.
  OutboundRequest next = to(service.port());
  next.method = "POST";
  next.body = "fast";
  auto ok = pool.send(next);
  ASSERT_TRUE(ok.isOk()) << ok.status().message();
  EXPECT_EQ(pool.stats().connections_opened, 2u);
}

}  // namespace
}  // namespace aisafe::http
