// Labeled texts for training and evaluating the injection classifier: JSON lines of
// {"id","text","label","source",...} with label "injection", "jailbreak" or "benign" (the schema
// of ../shared/data and of datasets/injection in this repository).
//
// The split between training and evaluation is a fixed function of each row, not of a seed or of
// the file order: rows that share a source and the start of their text (one template filled with
// different requests, one attack placed into different documents) form a group, and a hash of the
// group picks the side. A template is therefore never on both sides, and the evaluation never sees
// a row the model was trained on, whichever files are read in whichever order.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace aisafe::detectors::classifier {

struct LabeledText {
  std::string id;
  std::string text;
  std::string label;  // injection, jailbreak or benign
  std::string source;
  std::string lang;
};

enum class Split { kTrain, kCalibrate, kTest };

// Reads a JSON lines file. Rows with a missing text or an unknown label are errors naming the
// line; texts that are not valid UTF-8 are errors too.
Result<std::vector<LabeledText>> readLabeledTexts(const std::string& path);

// 20% of groups are held out for evaluation (kTest); of the rest, 12.5% calibrate the model's
// probabilities and choose its threshold (kCalibrate); the others train it.
Split splitOf(const LabeledText& row);

bool isAttack(const LabeledText& row);

}  // namespace aisafe::detectors::classifier
