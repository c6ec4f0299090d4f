// Test support for the pii detector: labeled texts (datasets/pii, ../shared/data) read into
// byte offsets, and one pipeline holding the pii detector as the default policy builds it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detect/detector.h"
#include "detect/finding.h"

namespace aisafe::detectors::pii_test {

struct LabeledEntity {
  std::size_t start = 0;  // bytes into LabeledText::text
  std::size_t end = 0;
  std::string type;  // the data's label, e.g. "PHONE_NUMBER"
};

struct LabeledText {
  std::string text;
  std::vector<LabeledEntity> entities;
};

// The byte offset of code point `cp` in valid UTF-8 `text` (text.size() past the end).
std::size_t byteOffset(std::string_view text, std::size_t cp);

// Rows of a JSON-lines file with "text" and optional "entities" ({start, end, type}, offsets in
// code points as in pii_dev.jsonl); nullopt when the file cannot be read.
std::optional<std::vector<LabeledText>> readLabeled(const std::string& path);

// Where the team's shared data lives: $AISAFE_SHARED_DATA, else ../shared/data beside the source.
std::string sharedDataDir();

// Findings of the pii detector (default regions, embedded rules) over `text`, as the pipeline
// reports them.
detect::Findings scanPii(std::string_view text);

}  // namespace aisafe::detectors::pii_test
