// Trains the injection classifier (model.h) deterministically: the same rows, options and seed
// give the same model file byte for byte on the same build, because every step is single-threaded
// and ordered (the shuffle is our own Fisher-Yates over std::mt19937_64, whose sequence the C++
// standard fixes).
//
// Logistic regression with AdaGrad over the hashed features. Long texts are split into windows,
// as at serving time; a benign text teaches that every one of its windows is benign, an attack
// only that its highest-scoring window is an attack (multiple-instance learning: the injection
// in a long email is somewhere, not everywhere). The calibration rows then fit Platt scaling and
// choose the default threshold.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "detectors/injection_classifier/dataset.h"
#include "detectors/injection_classifier/model.h"

namespace aisafe::detectors::classifier {

struct TrainOptions {
  std::uint64_t seed = 1;
  int epochs = 8;
  std::uint32_t buckets_log2 = 18;
  std::uint32_t window = 512;  // code points per window, and how far apart windows start
  std::uint32_t stride = 256;
  double learning_rate = 0.2;
  double l2 = 1e-6;
  // The default threshold is the lowest (but at least min_threshold) whose share of calibration
  // benign texts scored above it stays within this.
  double target_false_positive_rate = 0.005;
  double min_threshold = 0.5;
  // The block threshold: the lowest (but at least min_block_threshold) whose share of
  // calibration benign texts scored above it stays within this. The floor comes from the
  // leave-one-source-out sweep (docs/decisions/0017-classifier-bands.md): calibration rows share
  // their sources with the training rows, so they flatter the model; on sources it never saw,
  // the classifier alone blocks honest texts below about 0.99 and adds no recall above 0.97.
  double block_false_positive_rate = 0.001;
  double min_block_threshold = 0.99;
  // Which side each row is on. Default: splitOf (dataset.h). Leave-one-source-out evaluation
  // puts one origin on the kTest side and every other row on kTrain or kCalibrate.
  std::function<Split(const LabeledText&)> split_of = splitOf;
  // 0: every training row weighs the same. 1: every origin (dataset.h sourceOrigin) weighs the
  // same among the attacks and among the benign texts, so the model cannot learn the style of
  // the largest sources as the mark of their class. In between: counts ^ -balance. Measured
  // (docs/decisions/0017-classifier-bands.md), 1 against 0: the same recall leaving one source
  // out, fewer honest texts above the low thresholds, but 6-7 points less recall on the
  // held-out split of the known sources; so the shipped model keeps 0.
  double origin_balance = 0.0;
};

struct TrainReport {
  std::size_t train_rows = 0;
  std::size_t calibration_rows = 0;
  std::size_t skipped_test_rows = 0;
  double calibration_false_positive_rate = 0.0;  // at the chosen threshold
  double calibration_recall = 0.0;
};

// Trains on the rows whose split is kTrain, calibrates on kCalibrate, never reads kTest nor the
// context_dependent rows (dataset.h).
// `progress` (optional) receives a line per epoch.
Result<Model> train(const std::vector<LabeledText>& rows, const TrainOptions& options,
                    TrainReport& report,
                    const std::function<void(const std::string&)>& progress = {});

// The features of a text exactly as the detector computes them at serving time (normalized, then
// folded and hashed).
void featuresForScoring(std::string_view text, std::uint32_t buckets, TextFeatures& out);

}  // namespace aisafe::detectors::classifier
