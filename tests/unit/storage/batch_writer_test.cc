// BatchWriter (storage/batch_writer.h) with an in-memory sink: many request threads enqueueing
// while the writer thread drains, flush() from several threads at once, a full queue, failing
// writes and stop(). No database, so ThreadSanitizer (make test-tsan) checks the writer's own
// locking cheaply; tests/unit/storage/storage_test.cc covers the writers on real databases.
#include "storage/batch_writer.h"

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace aisafe::storage {
namespace {

struct Sink {
  std::mutex mu;
  std::vector<int> rows;
  std::vector<std::size_t> batch_sizes;
  Status write(const std::vector<int>& batch) {
    std::lock_guard lock(mu);
    rows.insert(rows.end(), batch.begin(), batch.end());
    batch_sizes.push_back(batch.size());
    return Status::ok();
  }
};

TEST(BatchWriterTest, ConcurrentProducersLoseNothing) {
  Sink sink;
  std::atomic<std::size_t> reported{0};
  BatchWriter<int> writer([&](const std::vector<int>& b) { return sink.write(b); },
                          {.queue_capacity = 100'000, .batch_size = 64, .flush_interval_ms = 5}, {},
                          [&](const BatchReport& r) { reported += r.records; });
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2'000;
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        ASSERT_TRUE(writer.enqueue(t * kPerThread + i));
        if (i % 500 == 0) {
          writer.flush();  // flushes from several threads while others enqueue
        }
      }
    });
  }
  for (auto& p : producers) {
    p.join();
  }
  writer.flush();
  EXPECT_EQ(writer.written(), std::uint64_t{kThreads * kPerThread});
  EXPECT_EQ(reported.load(), std::size_t{kThreads * kPerThread});
  writer.stop();
  std::lock_guard lock(sink.mu);
  EXPECT_EQ(std::set<int>(sink.rows.begin(), sink.rows.end()).size(),
            std::size_t{kThreads * kPerThread});
  for (auto n : sink.batch_sizes) {
    EXPECT_LE(n, 64u);
  }
}

TEST(BatchWriterTest, FullQueueDropsAndCounts) {
  std::mutex gate;
  gate.lock();  // the first write waits here, so the queue fills behind it
  std::atomic<bool> writing{false};
  BatchWriter<int> writer(
      [&](const std::vector<int>&) {
        writing = true;
        std::lock_guard hold(gate);
        return Status::ok();
      },
      {.queue_capacity = 8, .batch_size = 1, .flush_interval_ms = 1});
  ASSERT_TRUE(writer.enqueue(0));
  while (!writing) {
    std::this_thread::yield();
  }
  std::size_t accepted = 0;
  for (int i = 0; i < 20; ++i) {
    accepted += writer.enqueue(i) ? 1 : 0;
  }
  EXPECT_EQ(accepted, 8u);
  EXPECT_EQ(writer.dropped(), 12u);
  gate.unlock();
  writer.stop();
  EXPECT_EQ(writer.written(), 9u);
  EXPECT_FALSE(writer.enqueue(1));  // stopped
}

TEST(BatchWriterTest, FailedBatchesAreCountedAndReported) {
  std::atomic<int> errors{0};
  BatchWriter<int> writer([](const std::vector<int>&) { return internalError("database down"); },
                          {.queue_capacity = 16, .batch_size = 4, .flush_interval_ms = 1},
                          [&](const Status&) { ++errors; });
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(writer.enqueue(i));
  }
  writer.flush();  // three attempts with back-off: 50 + 100 + 200 ms
  EXPECT_EQ(writer.failed(), 4u);
  EXPECT_EQ(writer.written(), 0u);
  EXPECT_EQ(errors.load(), 1);
}

TEST(BatchWriterTest, StopFlushesWhatIsQueued) {
  Sink sink;
  {
    BatchWriter<int> writer(
        [&](const std::vector<int>& b) { return sink.write(b); },
        {.queue_capacity = 1000, .batch_size = 100, .flush_interval_ms = 10'000});
    for (int i = 0; i < 250; ++i) {
      ASSERT_TRUE(writer.enqueue(i));
    }
  }  // the destructor stops, and stop() writes everything queued
  std::lock_guard lock(sink.mu);
  EXPECT_EQ(sink.rows.size(), 250u);
}

}  // namespace
}  // namespace aisafe::storage
