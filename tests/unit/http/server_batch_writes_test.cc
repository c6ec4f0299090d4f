// Batched writes (decision 0013): an answer waits for the other requests of its event-loop round
// before it is sent. It must still go out when nothing else arrives (one client waiting for its
// answer), and under concurrency every answer must reach the connection that asked for it.
// Both settings run the same checks.
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "echo_router.h"
#include "http/server.h"
#include "support/http_client.h"

namespace aisafe::http {
namespace {
using testsupport::HttpClient;

class ServerBatchWritesTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.batch_writes = GetParam();
    server_ = std::make_unique<Server>(options, testing_echo::echoRouter(), MiddlewareChain{});
    ASSERT_TRUE(server_->listen().isOk());
    server_->start();
  }
  void TearDown() override { server_->stop(); }

  std::unique_ptr<Server> server_;
};

TEST_P(ServerBatchWritesTest, ALoneClientGetsEveryAnswerWithoutWaitingForOthers) {
  HttpClient client(server_->port(), "127.0.0.1", std::chrono::seconds(2));
  for (int i = 0; i < 200; ++i) {
    const std::string body = "alone " + std::to_string(i);
    auto res = client.request("POST", "/echo", body);
    ASSERT_EQ(res.status, 200) << res.error;
    ASSERT_EQ(res.body, body);
  }
}

TEST_P(ServerBatchWritesTest, ConcurrentClientsEachGetTheirOwnAnswers) {
  constexpr int kClients = 24;
  constexpr int kRequests = 150;
  std::vector<int> mismatches(kClients, 0);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client(server_->port());
      for (int i = 0; i < kRequests; ++i) {
        const std::string body = "client " + std::to_string(c) + " request " + std::to_string(i);
        auto res = client.request("POST", "/echo", body);
        if (res.status != 200 || res.body != body) {
          ++mismatches[c];
        }
      }
    });
  }
  for (auto& t : clients) {
    t.join();
  }
  for (int c = 0; c < kClients; ++c) {
    EXPECT_EQ(mismatches[c], 0) << "client " << c;
  }
}

INSTANTIATE_TEST_SUITE_P(BothSettings, ServerBatchWritesTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "batched" : "immediate"; });

}  // namespace
}  // namespace aisafe::http
