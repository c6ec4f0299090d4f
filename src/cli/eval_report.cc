#include "cli/eval_report.h"

#include <algorithm>
#include <iterator>

namespace aisafe::cli {

double ratio(std::size_t a, std::size_t b) {
  return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
}

bool isDocumentShaped(const detectors::classifier::LabeledText& row) {
  static constexpr std::string_view kDocumentKinds[] = {
      "document", "document_table", "document_code_answer", "email", "security_document"};
  return detectors::classifier::sourceOrigin(row) == "microsoft/BIPIA" ||
         std::find(std::begin(kDocumentKinds), std::end(kDocumentKinds), row.kind) !=
             std::end(kDocumentKinds);
}

std::string excerpt(const std::string& text, std::size_t max_bytes) {
  std::string out;
  for (std::size_t i = 0; i < text.size() && out.size() < max_bytes; ++i) {
    const char c = text[i];
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  // Do not cut a UTF-8 sequence in half.
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) {
    out.pop_back();
  }
  if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) {
    out.pop_back();
  }
  return out.size() < text.size() ? out + "..." : out;
}

std::vector<std::string_view> suffixModelTexts(
    const std::vector<detectors::classifier::LabeledText>& rows,
    const std::function<detectors::classifier::Split(const detectors::classifier::LabeledText&)>&
        split_of) {
  namespace cls = detectors::classifier;
  std::vector<std::string_view> texts;
  for (const auto& row : rows) {
    if (!cls::isAttack(row) && cls::isStandalone(row) && split_of(row) != cls::Split::kTest) {
      texts.emplace_back(row.text);
    }
  }
  return texts;
}

Result<std::shared_ptr<const policy::CompiledPolicy>> compileVariant(
    policy::PolicySpec spec, const std::string& name, const detect::Registry& registry, bool rules,
    bool classifier) {
  std::vector<std::string> detectors;
  for (const auto& d : spec.detectors) {
    if (d != "injection_classifier" && rules) {
      detectors.push_back(d);
    }
  }
  if (classifier) {
    detectors.emplace_back("injection_classifier");
  }
  spec.detectors = std::move(detectors);
  return policy::compilePolicy(name, 1, std::move(spec), registry);
}

}  // namespace aisafe::cli
