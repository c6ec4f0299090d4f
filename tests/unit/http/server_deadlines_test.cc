// Connection deadlines (idle, read) after the timer stopped being re-armed per phase: the
// timer's one pending wait checks the deadline of the moment when it ends. A deadline that
// moved later while the wait was pending must still end the connection on time, and one sooner
// than the pending wait must not wait for it.
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "echo_router.h"
#include "http/server.h"
#include "support/http_client.h"

namespace aisafe::http {
namespace {
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

std::unique_ptr<Server> echoServer(milliseconds idle, milliseconds read) {
  ServerOptions options;
  options.port = 0;
  options.threads = 1;
  options.idle_timeout = idle;
  options.read_timeout = read;
  auto server = std::make_unique<Server>(options, testing_echo::echoRouter(), MiddlewareChain{});
  EXPECT_TRUE(server->listen().isOk());
  server->start();
  return server;
}

const std::string kRequest =
    "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok";

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

TEST(ServerDeadlinesTest, ARequestStartedAfterAnIdlePauseStillGetsItsReadDeadline) {
  // Idle 3 s, read 400 ms. The first request's read wait ends during the pause and finds the
  // later idle deadline; the stalled second request's read deadline is sooner than that wait.
  auto server = echoServer(milliseconds(3000), milliseconds(400));
  Clock::time_point stalled_at;
  const std::string received = testsupport::rawExchangeInTwoParts(
      server->port(), kRequest,
      [&] {
        std::this_thread::sleep_for(milliseconds(600));
        stalled_at = Clock::now();
      },
      "POST /echo HTTP/1.1\r\nHost: t\r\n", milliseconds(5000));
  const auto waited = Clock::now() - stalled_at;
  EXPECT_EQ(count(received, "HTTP/1.1 200 OK"), 1) << received;
  EXPECT_EQ(count(received, "HTTP/1.1 408"), 1) << received;
  EXPECT_GE(waited, milliseconds(300));
  EXPECT_LT(waited, milliseconds(1500));  // the read deadline, not the wait pending for idle
  server->stop();
}

TEST(ServerDeadlinesTest, AnIdleDeadlineMovedLaterByNewRequestsEndsTheConnectionOnTime) {
  // Idle 500 ms, read 300 ms. The second request moves the idle deadline later than the wait
  // pending from the first; the connection must close about 500 ms after its last answer.
  auto server = echoServer(milliseconds(500), milliseconds(300));
  Clock::time_point last_sent;
  const std::string received = testsupport::rawExchangeInTwoParts(
      server->port(), kRequest,
      [&] {
        std::this_thread::sleep_for(milliseconds(200));
        last_sent = Clock::now();
      },
      kRequest, milliseconds(5000));
  const auto open_for = Clock::now() - last_sent;
  EXPECT_EQ(count(received, "HTTP/1.1 200 OK"), 2) << received;
  EXPECT_GE(open_for, milliseconds(400));
  EXPECT_LT(open_for, milliseconds(3000));  // closed by the server, not by our read deadline
  server->stop();
}

}  // namespace
}  // namespace aisafe::http
