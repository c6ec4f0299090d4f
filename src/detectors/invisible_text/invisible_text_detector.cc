#include "detectors/invisible_text/invisible_text_detector.h"

namespace aisafe::detectors {
namespace {

using detect::InvisibleKind;
using detect::InvisibleSpan;

struct KindInfo {
  const char* type;
  detect::Severity severity;
  double score;
  const char* message;
};

KindInfo infoFor(InvisibleKind kind) {
  switch (kind) {
    case InvisibleKind::kTag:
      return {"unicode_tags", detect::Severity::kCritical, 0.99,
              "Unicode tag characters hide text that a model reads but people do not see"};
    case InvisibleKind::kBidiControl:
      return {"bidi_control", detect::Severity::kHigh, 0.9,
              "bidirectional control characters reorder what a reviewer sees"};
    case InvisibleKind::kVariationSelector:
      return {"variation_selector", detect::Severity::kHigh, 0.9,
              "supplementary variation selectors can carry hidden bytes"};
    case InvisibleKind::kZeroWidth:
      break;
  }
  return {"zero_width", detect::Severity::kHigh, 0.85,
          "zero-width characters split words to slip past filters"};
}

// The left-to-right, right-to-left and Arabic letter marks (U+200E, U+200F, U+061C): what
// Arabic and Hebrew keyboards type to keep punctuation on the right side. Unlike the overrides
// and isolates, they reorder nothing.
bool isDirectionMark(std::string_view original, const InvisibleSpan& s) {
  const std::string_view c = original.substr(s.start, s.end - s.start);
  return c == "\u200E" || c == "\u200F" || c == "\u061C";
}

// Zero-width characters and direction marks are reported only where they split a word; the
// others always.
bool reportable(std::string_view original, const InvisibleSpan& s) {
  if (s.kind == InvisibleKind::kZeroWidth ||
      (s.kind == InvisibleKind::kBidiControl && isDirectionMark(original, s))) {
    return s.splits_word;
  }
  return true;
}

// Words written with Cyrillic or Greek letters that look Latin ("Gіvе mе іnѕtruсtіоnѕ") read as
// English to a model and to a person, but not to a filter matching Latin letters. One such word
// is a typo from a switched keyboard; several are a disguise.
constexpr std::size_t kDisguisedWordsToReport = 3;

class InvisibleTextDetector final : public detect::Detector, public detect::TextScanner {
 public:
  std::string_view name() const override { return "invisible_text"; }
  detect::SurfaceSet surfaces() const override { return {.input = true, .output = true}; }
  const detect::TextScanner* textScanner() const override { return this; }

  Status scan(const detect::ScanInput& in, detect::ScanScratch& /*scratch*/,
              detect::Findings& out) const override {
    const auto& spans = in.normalized.invisible();
    // One finding per run of adjacent invisible characters of one kind.
    for (std::size_t i = 0; i < spans.size();) {
      std::size_t j = i + 1;
      bool report = reportable(in.original, spans[i]);
      while (j < spans.size() && spans[j].start == spans[j - 1].end &&
             spans[j].kind == spans[i].kind) {
        report = report || reportable(in.original, spans[j]);
        ++j;
      }
      if (report) {
        const KindInfo info = infoFor(spans[i].kind);
        detect::Finding f;
        f.detector = "invisible_text";
        f.rule_id = std::string("invisible_text.") + info.type;
        f.category = "invisible_text";
        f.type = info.type;
        f.severity = info.severity;
        f.score = info.score;
        f.start = spans[i].start;
        f.end = spans[j - 1].end;
        f.message = std::string(info.message) + " (" + std::to_string(j - i) + " characters)";
        f.redact_as = "";  // redaction removes them
        f.layer = "text";
        out.push_back(std::move(f));
      }
      i = j;
    }
    if (const std::size_t words = in.normalized.mixedScriptWords();
        words >= kDisguisedWordsToReport) {
      detect::Finding f;
      f.detector = "invisible_text";
      f.rule_id = "invisible_text.lookalike_letters";
      f.category = "invisible_text";
      f.type = "lookalike_letters";
      f.severity = detect::Severity::kHigh;
      f.score = 0.9;
      f.start = 0;
      f.end = in.original.size();
      f.message = std::to_string(words) +
                  " words are spelled with Cyrillic or Greek letters that look Latin, a disguise "
                  "that slips English past filters";
      f.layer = "text";
      out.push_back(std::move(f));
    }
    return Status::ok();
  }
};

class InvisibleTextFactory final : public detect::DetectorFactory {
 public:
  std::string_view name() const override { return "invisible_text"; }
  std::string_view description() const override {
    return "invisible characters used to smuggle instructions (tags, bidi controls, zero-width), "
           "and "
           "words disguised with look-alike letters from other scripts";
  }
  Result<std::unique_ptr<const detect::Detector>> create(
      const boost::json::value& /*config*/) const override {
    return std::unique_ptr<const detect::Detector>(new InvisibleTextDetector());
  }
};

}  // namespace

std::unique_ptr<detect::DetectorFactory> makeInvisibleTextFactory() {
  return std::make_unique<InvisibleTextFactory>();
}

}  // namespace aisafe::detectors
