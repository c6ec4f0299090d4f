#include "storage/audit_writer.h"

#include <chrono>

namespace aisafe::storage {

// Failed batches are retried this many times before their records are counted as failed;
// the database may be restarting.
constexpr int kWriteAttempts = 3;

AuditWriter::AuditWriter(ValidationRepository& repo, AuditWriterOptions options,
                         ErrorHandler on_error)
    : repo_(repo), options_(options), on_error_(std::move(on_error)) {
  thread_ = std::thread([this] { run(); });
}

AuditWriter::~AuditWriter() { stop(); }

bool AuditWriter::enqueue(ValidationRecord record) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= options_.queue_capacity) {
      dropped_.fetch_add(1);
      return false;
    }
    queue_.push_back(std::move(record));
    ++enqueued_seq_;
    if (queue_.size() < options_.batch_size) return true;
  }
  wake_.notify_one();
  return true;
}

void AuditWriter::flush() {
  std::unique_lock lock(mu_);
  const std::uint64_t target = enqueued_seq_;
  ++flush_waiters_;
  wake_.notify_one();
  drained_.wait(lock, [&] { return done_seq_ >= target; });
  --flush_waiters_;
}

void AuditWriter::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::size_t AuditWriter::depth() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void AuditWriter::run() {
  std::vector<ValidationRecord> batch;
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
      Status st;
      for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
        st = repo_.insertBatch(batch);
        if (st.isOk()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50 << attempt));
      }
      if (st.isOk()) {
        written_.fetch_add(batch.size());
      } else {
        failed_.fetch_add(batch.size());
        if (on_error_) on_error_(st);
      }
    }
    {
      std::lock_guard lock(mu_);
      done_seq_ += batch.size();
    }
    drained_.notify_all();
    batch.clear();
    if (exit_after) return;
  }
}

}  // namespace aisafe::storage
