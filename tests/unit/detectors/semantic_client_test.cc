// Unit tests for detectors/semantic/semantic_client.h over a fake transport: what one call sends
// (body, headers, time budget, answer cap) and how failures reach the circuit breaker, which the
// integration test (tests/integration/semantic_detector_test.cc) checks again over real HTTP.
#include "detectors/semantic/semantic_client.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace aisafe::detectors::semantic {
namespace {

using namespace std::chrono_literals;

// Answers every call with `answer`; keeps the last request and counts calls.
class FakeTransport : public Transport {
 public:
  explicit FakeTransport(Result<TransportResponse> answer) : answer_(std::move(answer)) {}

  Result<TransportResponse> post(const TransportRequest& request) const override {
    std::lock_guard lock(mu_);
    ++calls_;
    last_ = request;
    return answer_;
  }
  int calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  TransportRequest last() const {
    std::lock_guard lock(mu_);
    return last_;
  }

 private:
  const Result<TransportResponse> answer_;
  mutable std::mutex mu_;
  mutable int calls_ = 0;
  mutable TransportRequest last_;
};

struct Fixture {
  explicit Fixture(Result<TransportResponse> answer, std::string api_key = "")
      : breaker("semantic", resilience::BreakerOptions{.failure_threshold = 2}) {
    auto fake = std::make_unique<FakeTransport>(std::move(answer));
    transport = fake.get();
    ClientOptions options;
    options.url = "http://guard.example/classify";
    options.format = Format::kJson;
    options.api_key = std::move(api_key);
    options.timeout = 800ms;
    client = std::make_unique<Client>(std::move(options), std::move(fake), breaker, nullptr);
  }

  detect::RemoteCheck check(std::chrono::milliseconds left = 5000ms) const {
    detect::RemoteCheck in;
    in.text = "hello";
    in.deadline = std::chrono::steady_clock::now() + left;
    in.traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    return in;
  }

  resilience::CircuitBreaker breaker;
  const FakeTransport* transport = nullptr;
  std::unique_ptr<Client> client;
};

TransportResponse ok(std::string body) { return TransportResponse{200, std::move(body)}; }

TEST(SemanticClientTest, SendsTheProtocolsBodyWithHeadersAndTheTimeBudget) {
  Fixture f(ok(R"({"label":"unsafe","score":0.9})"), "sk-test");
  auto v = f.client->classify(f.check());
  ASSERT_TRUE(v.isOk()) << v.status().message();
  EXPECT_TRUE(v->unsafe);
  const TransportRequest sent = f.transport->last();
  EXPECT_EQ(sent.url, "http://guard.example/classify");
  EXPECT_EQ(sent.body, requestBody(Format::kJson, "", "hello", detect::Surface::kInput));
  using Header = std::pair<std::string, std::string>;
  EXPECT_EQ(sent.headers,
            (std::vector<Header>{{"Content-Type", "application/json"},
                                 {"Accept", "application/json"},
                                 {"Authorization", "Bearer sk-test"},
                                 {"traceparent", f.check().traceparent}}));
  EXPECT_EQ(sent.timeout, 800ms);  // the configured timeout: the deadline is further away
  EXPECT_EQ(sent.connect_timeout, 800ms);
  EXPECT_EQ(sent.max_response_bytes, std::size_t{64} * 1024);
}

TEST(SemanticClientTest, ANearDeadlineShortensTheCallAndAPassedOneSkipsIt) {
  Fixture f(ok(R"({"label":"safe"})"));
  ASSERT_TRUE(f.client->classify(f.check(300ms)).isOk());
  EXPECT_LE(f.transport->last().timeout, 300ms);
  EXPECT_GT(f.transport->last().timeout, 0ms);
  auto late = f.client->classify(f.check(-1ms));
  ASSERT_FALSE(late.isOk());
  EXPECT_EQ(late.status().reason(), "timeout");
  EXPECT_EQ(f.transport->calls(), 1);
}

TEST(SemanticClientTest, FailuresOpenTheBreakerAndThenNoCallIsMade) {
  Fixture f(Status(StatusCode::kUnavailable, "refused", "connect_failed"));
  for (int i = 0; i < 2; ++i) {
    auto r = f.client->classify(f.check());
    ASSERT_FALSE(r.isOk());
    EXPECT_EQ(r.status().reason(), "connect_failed");
  }
  auto open = f.client->classify(f.check());
  ASSERT_FALSE(open.isOk());
  EXPECT_EQ(open.status().reason(), "circuit_open");
  EXPECT_EQ(f.transport->calls(), 2);
}

TEST(SemanticClientTest, AnErrorStatusOrANonsenseAnswerCountsAsAFailure) {
  Fixture status(TransportResponse{503, "busy"});
  auto r = status.client->classify(status.check());
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().reason(), "http_status");
  EXPECT_EQ(status.breaker.snapshot().failures, 1u);

  Fixture nonsense(ok("not json"));
  auto n = nonsense.client->classify(nonsense.check());
  ASSERT_FALSE(n.isOk());
  EXPECT_EQ(n.status().reason(), "bad_answer");
  EXPECT_EQ(nonsense.breaker.snapshot().failures, 1u);
}

}  // namespace
}  // namespace aisafe::detectors::semantic
