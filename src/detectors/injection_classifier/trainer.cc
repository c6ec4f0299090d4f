#include "detectors/injection_classifier/trainer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "detect/normalizer.h"

namespace aisafe::detectors::classifier {
namespace {

// A text prepared once: its feature indices and where each window's features begin and end.
struct Example {
  std::vector<std::uint32_t> features;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> windows;  // [first, last) into features
  bool attack = false;
  double weight = 1.0;  // see TrainOptions::origin_balance
};

// Weighs each training example so that, with `balance` 1, every origin (dataset.h) counts as
// much as any other among the attacks and among the benign texts; with 0 every row counts the
// same. Weights average 1 within each class, so the balance between the classes is untouched.
void balanceOrigins(const std::vector<const LabeledText*>& rows, std::vector<Example>& examples,
                    double balance) {
  if (balance <= 0.0) {
    return;
  }
  std::map<std::pair<std::string, bool>, std::size_t> counts;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ++counts[{sourceOrigin(*rows[i]), examples[i].attack}];
  }
  double sum[2] = {0, 0};
  std::size_t n[2] = {0, 0};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::size_t count = counts[{sourceOrigin(*rows[i]), examples[i].attack}];
    examples[i].weight = std::pow(1.0 / static_cast<double>(count), balance);
    sum[examples[i].attack ? 1 : 0] += examples[i].weight;
    ++n[examples[i].attack ? 1 : 0];
  }
  for (auto& e : examples) {
    const int k = e.attack ? 1 : 0;
    e.weight *= static_cast<double>(n[k]) / sum[k];
  }
}

Example prepare(const LabeledText& row, const Model& shape) {
  thread_local TextFeatures f;
  featuresForScoring(row.text, shape.buckets(), f);
  Example e;
  e.attack = isAttack(row);
  e.features.assign(f.index.begin(), f.index.end());
  for (const Window w : windowsOf(f.text.code_points, shape.window, shape.stride)) {
    const auto first = std::lower_bound(f.position.begin(), f.position.end(), w.begin);
    const auto last = std::lower_bound(f.position.begin(), f.position.end(), w.end);
    e.windows.emplace_back(static_cast<std::uint32_t>(first - f.position.begin()),
                           static_cast<std::uint32_t>(last - f.position.begin()));
  }
  return e;
}

double windowMargin(const Model& m, const Example& e, std::size_t w) {
  const auto [first, last] = e.windows[w];
  if (last <= first) {
    return m.bias;
  }
  double sum = 0.0;
  for (std::uint32_t k = first; k < last; ++k) {
    sum += m.weights[e.features[k]];
  }
  return m.bias + sum / std::sqrt(static_cast<double>(last - first));
}

double bestMargin(const Model& m, const Example& e, std::size_t* which = nullptr) {
  double best = 0.0;
  for (std::size_t w = 0; w < e.windows.size(); ++w) {
    const double z = windowMargin(m, e, w);
    if (w == 0 || z > best) {
      best = z;
      if (which != nullptr) {
        *which = w;
      }
    }
  }
  return best;
}

// Platt scaling: the a, b minimizing the log loss of sigmoid(a * margin + b) on the calibration
// rows, with Platt's smoothed targets. Newton's method with a backtracking line search (Lin, Lin
// and Weng's safeguard): plain Newton diverges when the margins separate the classes well.
void fitPlatt(const std::vector<double>& margins, const std::vector<bool>& attack, Model& m) {
  double positives = 0, negatives = 0;
  for (const bool a : attack) {
    (a ? positives : negatives) += 1;
  }
  const double hi = (positives + 1) / (positives + 2);
  const double lo = 1 / (negatives + 2);
  auto loss = [&](double a, double b) {
    double sum = 0;
    for (std::size_t i = 0; i < margins.size(); ++i) {
      const double t = attack[i] ? hi : lo;
      const double z = a * margins[i] + b;
      // log(1 + e^z) - t z, computed without overflow.
      sum += (z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z))) - t * z;
    }
    return sum;
  };
  double a = 1.0, b = 0.0;
  double current = loss(a, b);
  for (int iter = 0; iter < 100; ++iter) {
    double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
    for (std::size_t i = 0; i < margins.size(); ++i) {
      const double t = attack[i] ? hi : lo;
      const double p = sigmoid(a * margins[i] + b);
      const double s = p * (1 - p);
      ga += (p - t) * margins[i];
      gb += p - t;
      haa += s * margins[i] * margins[i];
      hab += s * margins[i];
      hbb += s;
    }
    if (std::abs(ga) < 1e-9 && std::abs(gb) < 1e-9) {
      break;
    }
    const double det = haa * hbb - hab * hab;
    if (!(det > 0)) {
      break;
    }
    const double da = -(hbb * ga - hab * gb) / det;
    const double db = -(haa * gb - hab * ga) / det;
    const double slope = ga * da + gb * db;  // negative: a descent direction
    double step = 1.0;
    for (; step >= 1e-10; step /= 2) {
      const double next = loss(a + step * da, b + step * db);
      if (next < current + 1e-4 * step * slope) {
        a += step * da;
        b += step * db;
        current = next;
        break;
      }
    }
    if (step < 1e-10) {
      break;
    }
  }
  m.platt_a = static_cast<float>(a);
  m.platt_b = static_cast<float>(b);
}

}  // namespace

void featuresForScoring(std::string_view text, std::uint32_t buckets, TextFeatures& out) {
  thread_local detect::NormalizedText norm;
  detect::normalize(text, norm);
  extractFeatures(norm.text(), buckets, out);
}

Result<Model> train(const std::vector<LabeledText>& rows, const TrainOptions& options,
                    TrainReport& report, const std::function<void(const std::string&)>& progress) {
  if (options.buckets_log2 < 8 || options.buckets_log2 > 24) {
    return invalidArgument("buckets_log2 must be between 8 and 24");
  }
  if (options.epochs < 1) {
    return invalidArgument("epochs must be at least 1");
  }
  if (options.window < 16 || options.stride < 1 || options.stride > options.window) {
    return invalidArgument("window must be at least 16 code points and stride within it");
  }
  Model model;
  model.buckets_log2 = options.buckets_log2;
  model.window = options.window;
  model.stride = options.stride;
  model.weights.assign(model.buckets(), 0.0F);

  std::vector<Example> train_set, calibration_set;
  std::vector<const LabeledText*> train_rows;
  report = TrainReport{};
  for (const auto& row : rows) {
    if (!isStandalone(row)) {
      continue;
    }
    switch (options.split_of(row)) {
      case Split::kTrain:
        train_set.push_back(prepare(row, model));
        train_rows.push_back(&row);
        break;
      case Split::kCalibrate:
        calibration_set.push_back(prepare(row, model));
        break;
      case Split::kTest:
        ++report.skipped_test_rows;
        break;
    }
  }
  balanceOrigins(train_rows, train_set, options.origin_balance);
  report.train_rows = train_set.size();
  report.calibration_rows = calibration_set.size();
  std::size_t attacks = 0;
  for (const auto& e : train_set) {
    attacks += e.attack ? 1 : 0;
  }
  if (attacks == 0 || attacks == train_set.size()) {
    return invalidArgument("the training rows need both attacks and benign texts");
  }
  // Attacks weigh as much in total as benign texts.
  const double attack_weight =
      static_cast<double>(train_set.size() - attacks) / static_cast<double>(attacks);

  std::vector<double> accumulated(model.buckets(), 0.0);  // AdaGrad's sums of squared gradients
  std::vector<double> weights(model.buckets(), 0.0);      // trained in double, stored as float
  double bias = 0.0, bias_accumulated = 0.0;
  auto margin = [&](const Example& e, std::size_t w) {
    const auto [first, last] = e.windows[w];
    if (last <= first) {
      return bias;
    }
    double sum = 0.0;
    for (std::uint32_t k = first; k < last; ++k) {
      sum += weights[e.features[k]];
    }
    return bias + sum / std::sqrt(static_cast<double>(last - first));
  };
  // One AdaGrad step on window w of e; returns the window's weighted log loss.
  auto step = [&](const Example& e, std::size_t w, double weight) -> double {
    const auto [first, last] = e.windows[w];
    const double scale = last > first ? 1.0 / std::sqrt(static_cast<double>(last - first)) : 0.0;
    const double p = sigmoid(margin(e, w));
    const double g = (p - (e.attack ? 1.0 : 0.0)) * weight;
    for (std::uint32_t k = first; k < last; ++k) {
      const std::uint32_t i = e.features[k];
      const double grad = g * scale + options.l2 * weights[i];
      accumulated[i] += grad * grad;
      weights[i] -= options.learning_rate * grad / std::sqrt(accumulated[i] + 1e-8);
    }
    bias_accumulated += g * g;
    bias -= options.learning_rate * g / std::sqrt(bias_accumulated + 1e-8);
    const double y = e.attack ? 1.0 : 0.0;
    return -(y * std::log(std::max(p, 1e-12)) + (1 - y) * std::log(std::max(1 - p, 1e-12))) *
           weight;
  };

  std::mt19937_64 rng(options.seed);
  std::vector<std::size_t> order(train_set.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    for (std::size_t i = order.size(); i > 1; --i) {
      std::swap(order[i - 1], order[static_cast<std::size_t>(rng() % i)]);
    }
    double loss = 0.0;
    for (const std::size_t i : order) {
      const Example& e = train_set[i];
      if (e.attack) {
        // The window that looks most like an attack is the one that is.
        std::size_t best = 0;
        double best_z = 0.0;
        for (std::size_t w = 0; w < e.windows.size(); ++w) {
          const double z = margin(e, w);
          if (w == 0 || z > best_z) {
            best_z = z;
            best = w;
          }
        }
        loss += step(e, best, attack_weight * e.weight);
      } else {
        // Every window of a benign text is benign. A long text counts more than a short one,
        // but not in proportion to its length.
        const double per_window = 1.0 / std::sqrt(static_cast<double>(e.windows.size()));
        for (std::size_t w = 0; w < e.windows.size(); ++w) {
          loss += step(e, w, per_window * e.weight);
        }
      }
    }
    if (progress) {
      progress("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(options.epochs) +
               ": mean loss " + std::to_string(loss / static_cast<double>(order.size())));
    }
  }
  for (std::size_t i = 0; i < weights.size(); ++i) {
    model.weights[i] = static_cast<float>(weights[i]);
  }
  model.bias = static_cast<float>(bias);

  // Calibrate on rows the weights never saw; the float model is what will serve, so score with it.
  std::vector<double> margins;
  std::vector<bool> labels;
  for (const auto& e : calibration_set) {
    margins.push_back(bestMargin(model, e));
    labels.push_back(e.attack);
  }
  if (margins.empty()) {
    return invalidArgument("no calibration rows: the data is too small");
  }
  fitPlatt(margins, labels, model);

  std::vector<double> benign_scores;
  for (std::size_t i = 0; i < margins.size(); ++i) {
    if (!labels[i]) {
      benign_scores.push_back(model.calibrate(margins[i]));
    }
  }
  std::sort(benign_scores.begin(), benign_scores.end());
  // The lowest threshold (at least `floor`) that at most `rate` of the calibration benign texts
  // reach.
  auto thresholdFor = [&](double rate, double floor) {
    if (benign_scores.empty()) {
      return floor;
    }
    const auto allowed =
        static_cast<std::size_t>(rate * static_cast<double>(benign_scores.size()));
    const double quantile =
        benign_scores[benign_scores.size() - 1 - std::min(allowed, benign_scores.size() - 1)];
    return std::clamp(std::nextafter(quantile, 1.0), floor, 0.99);
  };
  model.flag_threshold =
      static_cast<float>(thresholdFor(options.target_false_positive_rate, options.min_threshold));
  model.block_threshold = std::max(
      model.flag_threshold,
      static_cast<float>(
          thresholdFor(options.block_false_positive_rate, options.min_block_threshold)));
  std::size_t fp = 0, tp = 0, positives = 0;
  for (std::size_t i = 0; i < margins.size(); ++i) {
    const bool flagged = model.calibrate(margins[i]) >= model.flag_threshold;
    if (labels[i]) {
      ++positives;
      tp += flagged ? 1 : 0;
    } else {
      fp += flagged ? 1 : 0;
    }
  }
  report.calibration_false_positive_rate =
      benign_scores.empty() ? 0.0
                            : static_cast<double>(fp) / static_cast<double>(benign_scores.size());
  report.calibration_recall =
      positives == 0 ? 0.0 : static_cast<double>(tp) / static_cast<double>(positives);
  return model;
}

}  // namespace aisafe::detectors::classifier
