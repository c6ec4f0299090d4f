#include "telemetry/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace aisafe::telemetry {
namespace {

std::string formatValue(double v) {
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  // Shortest text that reads back as the same double: "0.1", not "0.10000000000000001".
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  if (std::strtod(buf, nullptr) != v) {
    std::snprintf(buf, sizeof buf, "%.17g", v);
  }
  return buf;
}

void header(std::string& out, const std::string& name, const std::string& help, const char* type) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

// Adds one label to an already rendered label set "{a="b"}".
std::string withLabel(const std::string& rendered, const std::string& key, const std::string& v) {
  const std::string extra = key + "=\"" + v + "\"";
  if (rendered.empty()) {
    return "{" + extra + "}";
  }
  return rendered.substr(0, rendered.size() - 1) + "," + extra + "}";
}

}  // namespace

std::string escapeLabelValue(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

const std::string& LabelPairCache::rendered(std::string_view first_value,
                                            std::string_view second_value) {
  // The first value's length leads, so no two pairs share a key whatever bytes they hold.
  const auto length = static_cast<std::uint32_t>(first_value.size());
  key_.assign(reinterpret_cast<const char*>(&length), sizeof length);
  key_.append(first_value).append(second_value);
  if (auto it = rendered_.find(key_); it != rendered_.end()) {
    return it->second;
  }
  if (rendered_.size() >= limit_) {
    rendered_.clear();
  }
  return rendered_
      .emplace(key_, renderLabels({{first_, std::string(first_value)},
                                   {second_, std::string(second_value)}}))
      .first->second;
}

std::string renderLabels(const Labels& labels) {
  if (labels.empty()) {
    return {};
  }
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) {
      out += ",";
    }
    out += labels[i].first + "=\"" + escapeLabelValue(labels[i].second) + "\"";
  }
  return out + "}";
}

namespace {

// This thread's shard: threads take them in turn as they first count.
std::size_t shardOfThisThread() {
  static std::atomic<std::size_t> next{0};
  thread_local std::size_t shard = next.fetch_add(1) % kMetricShards;
  return shard;
}

}  // namespace

void Counter::inc(const Labels& labels, double by) { incRendered(renderLabels(labels), by); }

void Counter::incRendered(const std::string& key, double by) {
  Shard& shard = shards_[shardOfThisThread()];
  std::lock_guard lock(shard.mu);
  if (auto it = shard.values.find(key); it != shard.values.end()) {
    it->second += by;
    return;
  }
  shard.values.emplace(key, by);
}

double Counter::value(const Labels& labels) const {
  const std::string key = renderLabels(labels);
  double total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    if (auto it = shard.values.find(key); it != shard.values.end()) {
      total += it->second;
    }
  }
  return total;
}

void Counter::render(std::string& out) const {
  header(out, name_, help_, "counter");
  std::map<std::string, double> merged;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    for (const auto& [labels, v] : shard.values) {
      merged[labels] += v;
    }
  }
  for (const auto& [labels, v] : merged) {
    out += name_ + labels + " " + formatValue(v) + "\n";
  }
}

void Histogram::observe(double value, const Labels& labels) {
  observeRendered(value, renderLabels(labels));
}

void Histogram::observeRendered(double value, const std::string& key) {
  // The first bucket whose bound is at least the value (bounds are inclusive); NaN in none.
  const std::size_t bucket =
      std::isnan(value)
          ? bounds_.size()
          : static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                                     bounds_.begin());
  Shard& shard = shards_[shardOfThisThread()];
  std::lock_guard lock(shard.mu);
  auto it = shard.series.find(key);
  if (it == shard.series.end()) {
    it = shard.series.emplace(key, Series{std::vector<std::uint64_t>(bounds_.size() + 1, 0), 0, 0})
             .first;
  }
  Series& s = it->second;
  ++s.counts[bucket];
  s.sum += value;
  ++s.count;
}

void Histogram::render(std::string& out) const {
  header(out, name_, help_, "histogram");
  std::map<std::string, Series> merged;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    for (const auto& [labels, s] : shard.series) {
      Series& m = merged[labels];
      if (m.counts.empty()) {
        m.counts.assign(bounds_.size() + 1, 0);
      }
      for (std::size_t i = 0; i < s.counts.size(); ++i) {
        m.counts[i] += s.counts[i];
      }
      m.sum += s.sum;
      m.count += s.count;
    }
  }
  for (const auto& [labels, s] : merged) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
      cumulative += s.counts[i];
      out += name_ + "_bucket" + withLabel(labels, "le", formatValue(bounds_[i])) + " " +
             std::to_string(cumulative) + "\n";
    }
    out +=
        name_ + "_bucket" + withLabel(labels, "le", "+Inf") + " " + std::to_string(s.count) + "\n";
    out += name_ + "_sum" + labels + " " + formatValue(s.sum) + "\n";
    out += name_ + "_count" + labels + " " + std::to_string(s.count) + "\n";
  }
}

Counter& Registry::counter(const std::string& name, const std::string& help) {
  std::lock_guard lock(mu_);
  counters_.push_back(std::make_unique<Counter>(name, help));
  return *counters_.back();
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  histograms_.push_back(std::make_unique<Histogram>(name, help, std::move(bounds)));
  return *histograms_.back();
}

void Registry::gauge(const std::string& name, const std::string& help,
                     std::function<double()> read) {
  std::lock_guard lock(mu_);
  gauges_.push_back({name, help, std::move(read)});
}

void Registry::gaugeFamily(const std::string& name, const std::string& help,
                           std::function<Samples()> read) {
  std::lock_guard lock(mu_);
  gauge_families_.push_back({name, help, std::move(read)});
}

std::string Registry::render() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& c : counters_) {
    c->render(out);
  }
  for (const auto& h : histograms_) {
    h->render(out);
  }
  for (const auto& g : gauges_) {
    header(out, g.name, g.help, "gauge");
    out += g.name + " " + formatValue(g.read()) + "\n";
  }
  for (const auto& f : gauge_families_) {
    header(out, f.name, f.help, "gauge");
    for (const auto& [labels, value] : f.read()) {
      out += f.name + renderLabels(labels) + " " + formatValue(value) + "\n";
    }
  }
  return out;
}

}  // namespace aisafe::telemetry
