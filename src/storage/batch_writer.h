// Writes records off the request path: request threads enqueue (never block, never touch the
// database); one background thread drains the queue in batches through `write_batch`. When the
// queue is full the record is dropped and counted: the request is answered either way. stop()
// flushes everything queued, so a clean shutdown loses nothing. The audit trail, rate-limit
// logs and (later) webhook events all go through one of these.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <iterator>
#include <mutex>
#include <thread>
#include <vector>

#include "core/status.h"

namespace aisafe::storage {

// One batch write, for the background job metrics (jobs/job_monitor.h): how many records,
// whether they were written (after the retries), and how long that took.
struct BatchReport {
  std::size_t records = 0;
  Status status;
  double seconds = 0;
};

// Told about every batch written or given up on, on the writer's thread; must not block.
using BatchObserver = std::function<void(const BatchReport&)>;

struct BatchWriterOptions {
  std::size_t queue_capacity = 50'000;
  std::size_t batch_size = 500;
  std::uint32_t flush_interval_ms = 200;
};

template <typename Record>
class BatchWriter {
 public:
  using WriteBatch = std::function<Status(const std::vector<Record>&)>;
  using ErrorHandler = std::function<void(const Status&)>;
  using Observer = BatchObserver;

  BatchWriter(WriteBatch write_batch, BatchWriterOptions options, ErrorHandler on_error = {},
              Observer observer = {})
      : write_batch_(std::move(write_batch)),
        options_(options),
        on_error_(std::move(on_error)),
        observer_(std::move(observer)),
        thread_([this] { run(); }) {}
  ~BatchWriter() { stop(); }
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // Queues a record; false (and counted as dropped) when the queue is full or stopped.
  bool enqueue(Record record) {
    {
      std::lock_guard lock(mu_);
      if (stopping_ || queue_.size() >= options_.queue_capacity) {
        dropped_.fetch_add(1);
        return false;
      }
      queue_.push_back(std::move(record));
      ++enqueued_seq_;
      if (queue_.size() < options_.batch_size) {
        return true;
      }
    }
    wake_.notify_one();
    return true;
  }

  // Blocks until everything queued before the call is written (tests, shutdown).
  void flush() {
    std::unique_lock lock(mu_);
    const std::uint64_t target = enqueued_seq_;
    ++flush_waiters_;
    wake_.notify_one();
    drained_.wait(lock, [&] { return done_seq_ >= target; });
    --flush_waiters_;
  }

  // Flushes and joins the writer thread. Idempotent.
  void stop() {
    {
      std::lock_guard lock(mu_);
      if (stopping_ && !thread_.joinable()) {
        return;
      }
      stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

  std::uint64_t written() const { return written_.load(); }
  std::uint64_t dropped() const { return dropped_.load(); }
  std::uint64_t failed() const { return failed_.load(); }
  std::size_t depth() const {
    std::lock_guard lock(mu_);
    return queue_.size();
  }

 private:
  // Failed batches are retried this many times before their records are counted as failed;
  // the database may be restarting.
  static constexpr int kWriteAttempts = 3;

  void run() {
    std::vector<Record> batch;
    for (;;) {
      bool exit_after = false;
      {
        std::unique_lock lock(mu_);
        wake_.wait_for(lock, std::chrono::milliseconds(options_.flush_interval_ms), [&] {
          return stopping_ || queue_.size() >= options_.batch_size || flush_waiters_ > 0;
        });
        // A full batch, a flush() waiting, stopping, or the interval passed: write what is queued.
        const std::size_t n = std::min(queue_.size(), options_.batch_size);
        batch.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(n)));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
        exit_after = stopping_ && queue_.empty();
      }
      if (!batch.empty()) {
        writeWithRetries(batch);
      }
      {
        std::lock_guard lock(mu_);
        done_seq_ += batch.size();
      }
      drained_.notify_all();
      batch.clear();
      if (exit_after) {
        return;
      }
    }
  }

  void writeWithRetries(const std::vector<Record>& batch) {
    const auto started = std::chrono::steady_clock::now();
    Status st;
    for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
      st = write_batch_(batch);
      if (st.isOk()) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50 << attempt));
    }
    if (st.isOk()) {
      written_.fetch_add(batch.size());
    } else {
      failed_.fetch_add(batch.size());
      if (on_error_) {
        on_error_(st);
      }
    }
    if (observer_) {
      observer_(
          {batch.size(), st,
           std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()});
    }
  }

  WriteBatch write_batch_;
  BatchWriterOptions options_;
  ErrorHandler on_error_;
  Observer observer_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable drained_;
  std::deque<Record> queue_;
  std::uint64_t enqueued_seq_ = 0;  // records ever accepted
  std::uint64_t done_seq_ = 0;      // records handled (written or failed)
  int flush_waiters_ = 0;
  bool stopping_ = false;
  std::atomic<std::uint64_t> written_{0}, dropped_{0}, failed_{0};
  std::thread thread_;  // last: starts after everything it reads is initialized
};

}  // namespace aisafe::storage
