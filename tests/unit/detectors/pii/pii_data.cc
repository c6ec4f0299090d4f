#include "pii_data.h"

#include <cstdlib>
#include <fstream>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "detect/pipeline.h"
#include "detectors/pii/pii_detector.h"

namespace aisafe::detectors::pii_test {

std::size_t byteOffset(std::string_view text, std::size_t cp) {
  std::size_t i = 0;
  for (std::size_t n = 0; i < text.size() && n < cp; ++n) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) {
      ++i;
    }
  }
  return i;
}

std::optional<std::vector<LabeledText>> readLabeled(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return std::nullopt;
  }
  std::vector<LabeledText> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) {
      continue;
    }
    const auto obj = boost::json::parse(line).as_object();
    LabeledText row;
    row.text = std::string(obj.at("text").as_string());
    if (const auto* entities = obj.if_contains("entities")) {
      for (const auto& e : entities->as_array()) {
        const auto& eo = e.as_object();
        LabeledEntity entity;
        entity.start =
            byteOffset(row.text, static_cast<std::size_t>(eo.at("start").to_number<double>()));
        entity.end =
            byteOffset(row.text, static_cast<std::size_t>(eo.at("end").to_number<double>()));
        entity.type = std::string(eo.at("type").as_string());
        row.entities.push_back(std::move(entity));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string sharedDataDir() {
  if (const char* dir = std::getenv("AISAFE_SHARED_DATA"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return AISAFE_SOURCE_DIR "/../shared/data";
}

detect::Findings scanPii(std::string_view text) {
  static const auto pipeline = [] {
    auto factory = makePiiFactory(detect::RuleSource(""));
    EXPECT_TRUE(factory.isOk()) << factory.status().message();
    auto detector = (*factory)->create(boost::json::value());
    EXPECT_TRUE(detector.isOk()) << detector.status().message();
    std::vector<std::unique_ptr<const detect::Detector>> ds;
    ds.push_back(std::move(detector).value());
    auto p = detect::Pipeline::build(std::move(ds));
    EXPECT_TRUE(p.isOk()) << p.status().message();
    return *p;
  }();
  thread_local detect::ScanScratch scratch;
  detect::Findings out;
  EXPECT_TRUE(pipeline->scan(text, detect::Surface::kInput, scratch, out).isOk());
  return out;
}

}  // namespace aisafe::detectors::pii_test
