// Labeled texts for training and evaluating the injection classifier: JSON lines of
// {"id","text","label","source",...} with label "injection", "jailbreak", "benign" or
// "context_dependent" (the schema of ../shared/data and of datasets/injection in this repository).
// A context_dependent row attacks only the system prompt it was written for ("What is the weather
// like in Paris?" against a bot told to talk about nothing else): read alone it is an honest
// message, so a detector that reads the text alone neither trains nor is scored on it.
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
  std::string label;  // injection, jailbreak, benign or context_dependent
  std::string source;
  std::string lang;
  std::string kind;  // meta.kind, where the row has one (what sort of text it is)
};

enum class Split { kTrain, kCalibrate, kTest };

// Reads a JSON lines file. Rows with a missing text or an unknown label are errors naming the
// line; texts that are not valid UTF-8 are errors too.
Result<std::vector<LabeledText>> readLabeledTexts(const std::string& path);

// 20% of groups are held out for evaluation (kTest); of the rest, 12.5% calibrate the model's
// probabilities and choose its threshold (kCalibrate); the others train it.
Split splitOf(const LabeledText& row);

// injection or jailbreak.
bool isAttack(const LabeledText& row);

// False for context_dependent rows, which no text-only detector can judge (see above).
bool isStandalone(const LabeledText& row);

// The source a row came from, as one origin: the owner/repository part of its "source"
// ("NVIDIA/garak/garak/probes/dan.py@cafbe99" -> "NVIDIA/garak"). Leave-one-source-out
// evaluation holds out one origin at a time, so a model is scored on writing it never saw.
std::string sourceOrigin(const LabeledText& row);

}  // namespace aisafe::detectors::classifier
