// Writes validation records off the request path: request threads enqueue (never block, never
// touch the database); one background thread drains the queue in batches. When the queue is
// full the record is dropped and counted — the request is answered either way. stop() flushes
// everything queued, so a clean shutdown loses nothing.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/validation_repository.h"

namespace aisafe::storage {

struct AuditWriterOptions {
  std::size_t queue_capacity = 50'000;
  std::size_t batch_size = 500;
  std::uint32_t flush_interval_ms = 200;
};

class AuditWriter {
 public:
  using ErrorHandler = std::function<void(const Status&)>;

  AuditWriter(ValidationRepository& repo, AuditWriterOptions options, ErrorHandler on_error = {});
  ~AuditWriter();  // stop()s

  // Queues a record; false (and counted as dropped) when the queue is full or stopped.
  bool enqueue(ValidationRecord record);
  // Blocks until everything queued before the call is written (tests, shutdown).
  void flush();
  // Flushes and joins the writer thread. Idempotent.
  void stop();

  std::uint64_t written() const { return written_.load(); }
  std::uint64_t dropped() const { return dropped_.load(); }
  std::uint64_t failed() const { return failed_.load(); }
  std::size_t depth() const;

 private:
  void run();

  ValidationRepository& repo_;
  AuditWriterOptions options_;
  ErrorHandler on_error_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable drained_;
  std::deque<ValidationRecord> queue_;
  std::uint64_t enqueued_seq_ = 0;  // records ever accepted
  std::uint64_t done_seq_ = 0;      // records handled (written or failed)
  int flush_waiters_ = 0;
  bool stopping_ = false;
  std::atomic<std::uint64_t> written_{0}, dropped_{0}, failed_{0};
  std::thread thread_;
};

}  // namespace aisafe::storage
