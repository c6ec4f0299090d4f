// Prometheus metrics: counters and histograms with a small, bounded set of label values
// (routes, statuses, decisions, detector names — never prompts, users or secrets), and gauges
// read at scrape time. render() produces the text exposition format for GET /metrics.
// Thread-safe. Each family keeps kMetricShards copies of its series, each behind its own mutex,
// and a thread always increments the same one: the request threads neither wait on each
// other's increments nor pass the cache lines back and forth. Reads add the shards up.
// Families are created at start.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace aisafe::telemetry {

using Labels = std::vector<std::pair<std::string, std::string>>;

// `{a="x",b="y"}`: the key a series is stored under. Hot paths whose label values repeat can
// render it once and use the *Rendered calls, skipping the allocations of building Labels.
std::string renderLabels(const Labels& labels);

inline constexpr std::size_t kMetricShards = 8;

class Counter {
 public:
  Counter(std::string name, std::string help) : name_(std::move(name)), help_(std::move(help)) {}
  void inc(const Labels& labels = {}, double by = 1.0);
  void incRendered(const std::string& rendered_labels, double by = 1.0);
  double value(const Labels& labels = {}) const;
  void render(std::string& out) const;

 private:
  struct alignas(64) Shard {
    mutable std::mutex mu;
    std::map<std::string, double, std::less<>> values;  // key: rendered label set
  };
  std::string name_, help_;
  std::array<Shard, kMetricShards> shards_;
};

class Histogram {
 public:
  Histogram(std::string name, std::string help, std::vector<double> bounds)
      : name_(std::move(name)), help_(std::move(help)), bounds_(std::move(bounds)) {}
  void observe(double value, const Labels& labels = {});
  void observeRendered(double value, const std::string& rendered_labels);
  void render(std::string& out) const;

 private:
  struct Series {
    std::vector<std::uint64_t> counts;  // per bucket, not cumulative; the last one past every bound
    double sum = 0;
    std::uint64_t count = 0;
  };
  struct alignas(64) Shard {
    mutable std::mutex mu;
    std::map<std::string, Series, std::less<>> series;
  };
  std::string name_, help_;
  std::vector<double> bounds_;
  std::array<Shard, kMetricShards> shards_;
};

class Registry {
 public:
  Counter& counter(const std::string& name, const std::string& help);
  Histogram& histogram(const std::string& name, const std::string& help,
                       std::vector<double> bounds);
  // A value read at scrape time (queue depths, pool sizes).
  void gauge(const std::string& name, const std::string& help, std::function<double()> read);
  // A labeled gauge family read at scrape time (one series per circuit breaker, say).
  using Samples = std::vector<std::pair<Labels, double>>;
  void gaugeFamily(const std::string& name, const std::string& help, std::function<Samples()> read);

  std::string render() const;

 private:
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Counter>> counters_;
  std::vector<std::unique_ptr<Histogram>> histograms_;
  std::vector<Gauge> gauges_;
  struct GaugeFamily {
    std::string name, help;
    std::function<Samples()> read;
  };
  std::vector<GaugeFamily> gauge_families_;
};

// Escapes a label value for the exposition format.
std::string escapeLabelValue(const std::string& v);
std::string renderLabels(const Labels& labels);

// Rendered label sets of two labels whose values repeat (decision and surface, detector and
// category, organization and decision), for the *Rendered calls on a request's path: building
// Labels and rendering them cost more than the increment. Not thread-safe: keep one per thread.
// Holds at most `limit` sets, then starts over, whatever values callers send; so a returned
// reference holds only until the next call.
class LabelPairCache {
 public:
  LabelPairCache(std::string first, std::string second, std::size_t limit = 4096)
      : first_(std::move(first)), second_(std::move(second)), limit_(limit) {}
  const std::string& rendered(std::string_view first_value, std::string_view second_value);

 private:
  std::string first_, second_;
  std::size_t limit_;
  std::string key_;  // reused: the first value's length, the first value, the second
  std::unordered_map<std::string, std::string> rendered_;
};

}  // namespace aisafe::telemetry
