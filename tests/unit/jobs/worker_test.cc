// The background job seam: a worker's schedule (periodic, drain while there is more), its
// graceful stop through the stop token, and the monitor's metrics and failure reports.
#include "jobs/worker.h"

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "jobs/job_monitor.h"

namespace aisafe::jobs {
namespace {
using namespace std::chrono_literals;

// Waits for `done` with a deadline instead of a fixed sleep.
template <typename F>
bool eventually(F done, std::chrono::milliseconds deadline = 5000ms) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(WorkerTest, DrainsAQueueAtOnceThenWaitsTheInterval) {
  telemetry::Registry registry;
  JobMonitor monitor(registry);
  std::atomic<int> queue{5}, runs{0};
  Worker worker(
      {.name = "drain", .interval = 60'000ms},
      [&](std::stop_token) -> Result<RunReport> {
        ++runs;
        if (queue == 0) return RunReport{};
        --queue;
        return RunReport{.items = 1, .more = queue > 0};
      },
      monitor, [&] { return static_cast<double>(queue.load()); });
  worker.start();
  // Five items, one per run, without waiting a minute between them; then one idle wait.
  ASSERT_TRUE(eventually([&] { return queue == 0; }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(runs, 5);
  worker.stop();  // wakes the minute-long wait at once
  EXPECT_FALSE(worker.running());

  const std::string text = registry.render();
  EXPECT_TRUE(contains(text, R"(aisafe_job_runs_total{job="drain",outcome="success"} 5)")) << text;
  EXPECT_TRUE(contains(text, R"(aisafe_job_queue_depth{job="drain"} 0)")) << text;
  EXPECT_TRUE(contains(text, R"(aisafe_job_duration_seconds_count{job="drain"} 5)")) << text;
  EXPECT_GT(monitor.lastSuccess("drain"), 1.7e9);
}

TEST(WorkerTest, StopReachesTheRunInProgress) {
  telemetry::Registry registry;
  JobMonitor monitor(registry);
  std::atomic<bool> inside{false}, saw_stop{false};
  Worker worker(
      {.name = "slow", .interval = 10ms},
      [&](std::stop_token stop) -> Result<RunReport> {
        inside = true;
        // A long job that checks its token between units of work.
        for (int i = 0; i < 10'000 && !stop.stop_requested(); ++i) std::this_thread::sleep_for(1ms);
        saw_stop = stop.stop_requested();
        return RunReport{.items = 1};
      },
      monitor);
  worker.start();
  ASSERT_TRUE(eventually([&] { return inside.load(); }));
  const auto before = std::chrono::steady_clock::now();
  worker.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
  EXPECT_TRUE(saw_stop);
}

TEST(WorkerTest, AFailingJobIsReportedOnceAndItsRecoveryCounted) {
  telemetry::Registry registry;
  std::mutex mu;
  std::vector<std::string> reports;
  JobMonitor monitor(registry, [&](const std::string& job, const Status& error) {
    std::lock_guard lock(mu);
    reports.push_back(job + ": " + error.message());
  });
  std::atomic<int> runs{0};
  Worker worker(
      {.name = "flaky", .interval = 5ms, .run_at_start = false},
      [&](std::stop_token) -> Result<RunReport> {
        const int n = ++runs;
        if (n <= 4) return unavailable("database unavailable");
        if (n == 5) throw std::runtime_error("boom");
        return RunReport{};
      },
      monitor);
  worker.start();
  ASSERT_TRUE(eventually([&] { return runs >= 8; }));
  worker.stop();
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(reports.size(), 1u);  // five failed runs in a row, one report
    EXPECT_EQ(reports[0], "flaky: database unavailable");
  }
  const std::string text = registry.render();
  EXPECT_TRUE(contains(text, R"(aisafe_job_runs_total{job="flaky",outcome="failure"} 5)")) << text;
  EXPECT_TRUE(contains(text, R"(aisafe_job_runs_total{job="flaky",outcome="idle"})")) << text;
  EXPECT_FALSE(contains(text, "aisafe_job_queue_depth{")) << "no queue, no depth series";
}

TEST(JobMonitorTest, DeclaredJobsShowNoSuccessYet) {
  telemetry::Registry registry;
  JobMonitor monitor(registry);
  monitor.declare("never_ran");
  EXPECT_TRUE(contains(registry.render(),
                       R"(aisafe_job_last_success_timestamp_seconds{job="never_ran"} 0)"));
  EXPECT_EQ(monitor.finished("never_ran", Status::ok(), 3, 0.01), Outcome::kSuccess);
  EXPECT_EQ(monitor.finished("never_ran", Status::ok(), 0, 0.01), Outcome::kIdle);
  EXPECT_EQ(monitor.finished("never_ran", internalError("x"), 3, 0.01), Outcome::kFailure);
}

}  // namespace
}  // namespace aisafe::jobs
