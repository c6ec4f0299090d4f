// `aisafe train`: trains the injection classifier from labeled JSON lines and writes the model
// file. Deterministic: the same files, seed and build give the same bytes (see trainer.h).
#include <cstdio>
#include <fstream>

#include "cli/commands.h"
#include "cli/eval_report.h"
#include "detectors/adversarial_suffix/char_lm.h"
#include "detectors/injection_classifier/trainer.h"

namespace aisafe::cli {

int train(const std::vector<std::string>& data_files, std::uint64_t seed, int epochs,
          std::uint32_t buckets_log2, double learning_rate, std::uint32_t window,
          double origin_balance, const std::string& out_path) {
  namespace cls = detectors::classifier;
  std::vector<cls::LabeledText> rows;
  for (const auto& path : data_files) {
    auto read = cls::readLabeledTexts(path);
    if (!read) {
      std::fprintf(stderr, "aisafe train: %s\n", read.status().message().c_str());
      return 2;
    }
    std::fprintf(stderr, "read %zu rows from %s\n", read->size(), path.c_str());
    for (auto& r : *read) {
      rows.push_back(std::move(r));
    }
  }
  cls::TrainOptions options;
  options.seed = seed;
  options.epochs = epochs;
  options.buckets_log2 = buckets_log2;
  options.learning_rate = learning_rate;
  options.window = window;
  options.stride = window / 2;
  options.origin_balance = origin_balance;
  cls::TrainReport report;
  auto model = cls::train(rows, options, report, [](const std::string& line) {
    std::fprintf(stderr, "%s\n", line.c_str());
  });
  if (!model) {
    std::fprintf(stderr, "aisafe train: %s\n", model.status().message().c_str());
    return 2;
  }
  const std::string bytes = model->serialize();
  {
    std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::fprintf(stderr, "aisafe train: cannot write %s\n", out_path.c_str());
      return 2;
    }
  }
  std::fprintf(stderr,
               "trained on %zu rows, calibrated on %zu, held out %zu for evaluation\n"
               "flag threshold %.4f (calibration recall %.3f, benign flagged %.4f), block %.4f\n"
               "wrote %s (%zu bytes)\n",
               report.train_rows, report.calibration_rows, report.skipped_test_rows,
               static_cast<double>(model->flag_threshold), report.calibration_recall,
               report.calibration_false_positive_rate,
               static_cast<double>(model->block_threshold), out_path.c_str(), bytes.size());
  return 0;
}

int trainSuffixModel(const std::vector<std::string>& data_files, const std::string& out_path) {
  namespace cls = detectors::classifier;
  std::vector<cls::LabeledText> rows;
  for (const auto& path : data_files) {
    auto read = cls::readLabeledTexts(path);
    if (!read) {
      std::fprintf(stderr, "aisafe train: %s\n", read.status().message().c_str());
      return 2;
    }
    for (auto& r : *read) {
      rows.push_back(std::move(r));
    }
  }
  const auto texts = suffixModelTexts(rows, cls::splitOf);
  const auto lm = detectors::suffix::CharLm::train(texts);
  const std::string bytes = lm.serialize();
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "aisafe train: cannot write %s\n", out_path.c_str());
    return 2;
  }
  std::fprintf(stderr, "suffix language model: %zu benign texts, %llu symbols; wrote %s\n",
               texts.size(), static_cast<unsigned long long>(lm.totalSymbols()), out_path.c_str());
  return 0;
}

}  // namespace aisafe::cli
