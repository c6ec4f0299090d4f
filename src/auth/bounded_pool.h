// A small pool of worker threads with a bounded queue, for CPU-heavy work that must never run on
// the I/O threads (bcrypt at cost 12 takes about a quarter of a second of one core). When the
// queue is full, trySubmit() refuses at once: a flood of logins gets "busy" answers instead of
// piling up threads, and validation keeps its cores.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace aisafe::auth {

class BoundedPool {
 public:
  BoundedPool(unsigned threads, std::size_t max_queued);
  ~BoundedPool();
  BoundedPool(const BoundedPool&) = delete;
  BoundedPool& operator=(const BoundedPool&) = delete;

  // Queues `fn`; nullopt when max_queued tasks are already waiting.
  template <typename Fn>
  auto trySubmit(Fn fn) -> std::optional<std::future<decltype(fn())>> {
    using R = decltype(fn());
    auto task = std::make_shared<std::packaged_task<R()>>(std::move(fn));
    std::future<R> result = task->get_future();
    if (!enqueue([task] { (*task)(); })) return std::nullopt;
    return result;
  }

 private:
  bool enqueue(std::function<void()> job);
  void work();

  const std::size_t max_queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace aisafe::auth
