// Unit tests for crypto/random_ids.h: distinct from many threads, ordered by creation time.
#include "crypto/random_ids.h"

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/request_id.h"

namespace aisafe::crypto {
namespace {

TEST(RandomIdsTest, IdsFromManyThreadsAreWellFormedAndDistinct) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;  // many refills of each thread's pool of random bytes
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&made, t] {
      for (int i = 0; i < kPerThread; ++i) {
        made[t].push_back(i % 2 == 0 ? randomId("x_") : timeOrderedId("val_"));
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& ids : made) {
    for (const auto& id : ids) {
      EXPECT_TRUE(id.starts_with("x_") ? id.size() == 2 + 24 : id.size() == 4 + 24) << id;
      EXPECT_TRUE(isSaneRequestId(id)) << id;
      all.insert(id);
    }
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST(RandomIdsTest, TimeOrderedIdsSortByCreation) {
  std::string previous = timeOrderedId("val_");
  for (int i = 0; i < 1000; ++i) {
    const std::string next = timeOrderedId("val_");
    EXPECT_LT(previous.substr(4, 18), next.substr(4, 18));  // milliseconds, then the counter
    previous = next;
  }
}

TEST(RandomIdsTest, TimeOrderedIdsCarryTheMillisecondsInHex) {
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::string id = timeOrderedId("val_");
  const long long ms = std::stoll(id.substr(4, 12), nullptr, 16);
  EXPECT_GE(ms, before);
  EXPECT_LT(ms, before + 60'000);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef", 4), std::string::npos) << id;
  // Given the time (a record's created_at), the id carries exactly that.
  const std::string given = timeOrderedId("val_", 1'700'000'000'123);
  EXPECT_EQ(std::stoll(given.substr(4, 12), nullptr, 16), 1'700'000'000'123);
  EXPECT_EQ(given.size(), id.size());
}

// Our own request ids pass the check applied to ids clients send.
TEST(RandomIdsTest, RequestIdsAreFreshAndSane) {
  EXPECT_TRUE(isSaneRequestId(newRequestId()));
  EXPECT_TRUE(newRequestId().starts_with("req_"));
  EXPECT_NE(newRequestId(), newRequestId());
}

}  // namespace
}  // namespace aisafe::crypto
