#include "detectors/adversarial_suffix/adversarial_suffix_detector.h"

#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "crypto/sha256.h"

namespace aisafe::detectors {
namespace suffix {
namespace {

bool isSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Where the last `words` white-space separated words of `text` begin (0 when it has fewer).
std::size_t tailStart(std::string_view text, std::size_t words) {
  std::size_t i = text.size();
  while (i > 0 && isSpace(static_cast<unsigned char>(text[i - 1]))) {
    --i;
  }
  for (std::size_t w = 0; w < words; ++w) {
    while (i > 0 && !isSpace(static_cast<unsigned char>(text[i - 1]))) {
      --i;
    }
    if (w + 1 == words) {
      break;
    }
    while (i > 0 && isSpace(static_cast<unsigned char>(text[i - 1]))) {
      --i;
    }
    if (i == 0) {
      return 0;
    }
  }
  return i;
}

// Words in `text`, counting up to `cap`.
std::size_t countWords(std::string_view text, std::size_t cap) {
  std::size_t words = 0;
  bool in_word = false;
  for (const char c : text) {
    const bool space = isSpace(static_cast<unsigned char>(c));
    words += !space && !in_word ? 1 : 0;
    in_word = !space;
    if (words >= cap) {
      return words;
    }
  }
  return words;
}

// Links, paths and addresses are improbable character strings that honest text is full of.
bool hasAddress(std::string_view tail) {
  for (const char* marker : {"://", "www.", "../", "./"}) {
    if (tail.find(marker) != std::string_view::npos) {
      return true;
    }
  }
  for (std::size_t at = tail.find("]("); at != std::string_view::npos;
       at = tail.find("](", at + 1)) {
    // A markdown link's target: a path or anchor up to ")" without spaces.
    std::size_t k = at + 2;
    while (k < tail.size() && (std::isalnum(static_cast<unsigned char>(tail[k])) != 0 ||
                               std::string_view("#./_-").find(tail[k]) != std::string_view::npos)) {
      ++k;
    }
    if (k > at + 2 && k < tail.size() && tail[k] == ')') {
      return true;
    }
  }
  for (std::size_t at = tail.find('@'); at != std::string_view::npos; at = tail.find('@', at + 1)) {
    const std::size_t dot = tail.find('.', at);
    const std::size_t space = tail.find(' ', at);
    if (at > 0 && std::isalnum(static_cast<unsigned char>(tail[at - 1])) != 0 &&
        dot != std::string_view::npos && dot < space) {
      return true;
    }
  }
  return false;
}

// Markers of program text anywhere in the text: code scores high and is often bracketed
// across lines, and a request with code in it is not the shape this detector reads.
bool looksLikeCode(std::string_view text) {
  for (const char* marker : {"```", "==", ">>>", "\"\"\"", "'''", "=>", "&&", "||", "return ",
                             "def ", "#include", "import "}) {
    if (text.find(marker) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool bracketsOutOfOrder(std::string_view text) {
  const std::string_view tail = text.substr(tailStart(text, kTailWords));
  constexpr std::size_t kDepth = 32;
  char open[kDepth];
  std::size_t depth = 0;
  std::size_t disorder = 0;
  for (const char c : tail) {
    if (c == '(' || c == '[' || c == '{') {
      if (depth == kDepth) {
        return true;  // 32 unclosed openers in ten words are not prose or code either
      }
      open[depth++] = c;
    } else if (c == ')' || c == ']' || c == '}') {
      const char wanted = c == ')' ? '(' : c == ']' ? '[' : '{';
      if (depth == 0) {
        continue;  // opened before the tail: says nothing
      }
      disorder += open[depth - 1] == wanted ? 0 : 1;
      --depth;
    }
  }
  return disorder + depth > 0;
}

SuffixVerdict judgeSuffix(const CharLm& lm, std::string_view text) {
  SuffixVerdict v;
  if (!bracketsOutOfOrder(text)) {
    return v;
  }
  const std::size_t tail_start = tailStart(text, kTailWords);
  if (tail_start == 0) {
    return v;
  }
  const std::string_view tail = text.substr(tail_start);
  for (const char c : tail) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return v;  // the model is only trusted on ASCII
    }
  }
  if (hasAddress(tail) || looksLikeCode(text)) {
    return v;
  }
  if (countWords(text.substr(0, tail_start), kMinPrefixWords) < kMinPrefixWords) {
    return v;
  }
  // Only the last kPrefixSymbols before the tail are compared, and a 5-gram model needs four
  // symbols of context: twice as many bytes are enough (runs of white space and other scripts
  // take more bytes per symbol; a shorter prefix is then compared), and the model's cost stays
  // bounded whatever the length of the text. Start on a character, not inside one.
  std::size_t read_from = tail_start > 2 * kPrefixSymbols ? tail_start - 2 * kPrefixSymbols : 0;
  while (read_from < tail_start && (static_cast<unsigned char>(text[read_from]) & 0xC0) == 0x80) {
    ++read_from;
  }
  std::string symbols;
  std::vector<std::uint32_t> offsets;
  foldSymbols(text.substr(read_from), symbols, &offsets);
  std::vector<float> bits;
  lm.surprise(symbols, bits);
  std::size_t first_tail = 0;
  while (first_tail < offsets.size() && read_from + offsets[first_tail] < tail_start) {
    ++first_tail;
  }
  const std::size_t prefix_from = first_tail > kPrefixSymbols ? first_tail - kPrefixSymbols : 0;
  std::size_t non_ascii = 0;
  float prefix_sum = 0;
  for (std::size_t i = prefix_from; i < first_tail; ++i) {
    prefix_sum += bits[i];
    non_ascii += static_cast<unsigned char>(symbols[i]) == kNonAscii ? 1 : 0;
  }
  if (first_tail == prefix_from || non_ascii > 3 || first_tail == symbols.size()) {
    return v;  // the request is in another script: the model knows too little of it
  }
  float tail_sum = 0;
  float word_sum = 0;
  std::size_t word_len = 0;
  for (std::size_t i = first_tail; i <= symbols.size(); ++i) {
    if (i == symbols.size() || symbols[i] == ' ') {
      if (word_len > 0 && word_sum / static_cast<float>(word_len) >= kOddWordBits) {
        ++v.odd_words;
      }
      word_sum = 0;
      word_len = 0;
      if (i == symbols.size()) {
        break;
      }
    } else {
      word_sum += bits[i];
      ++word_len;
    }
    tail_sum += bits[i];
  }
  v.tail_bits = tail_sum / static_cast<float>(symbols.size() - first_tail);
  v.prefix_bits = prefix_sum / static_cast<float>(first_tail - prefix_from);
  v.start = tail_start;
  v.end = text.size();
  v.found = v.tail_bits >= kMinTailBits && v.prefix_bits <= kMaxPrefixBits &&
            v.tail_bits - v.prefix_bits >= kMinRise && v.odd_words >= kMinOddWords;
  return v;
}

}  // namespace suffix

namespace {

class AdversarialSuffixDetector final : public detect::Detector, public detect::TextScanner {
 public:
  explicit AdversarialSuffixDetector(std::shared_ptr<const suffix::CharLm> lm)
      : lm_(std::move(lm)) {}
  std::string_view name() const override { return "adversarial_suffix"; }
  // Salad is appended to what a user or a document sends a model, not to its answers.
  detect::SurfaceSet surfaces() const override { return {true, false, false}; }
  const detect::TextScanner* textScanner() const override { return this; }

  Status scan(const detect::ScanInput& in, detect::ScanScratch& /*scratch*/,
              detect::Findings& out) const override {
    const suffix::SuffixVerdict v = suffix::judgeSuffix(*lm_, in.original);
    if (!v.found) {
      return Status::ok();
    }
    detect::Finding f;
    f.detector = "adversarial_suffix";
    f.rule_id = "adversarial_suffix.perplexity";
    f.category = "jailbreak";
    f.type = "adversarial_suffix";
    f.severity = detect::Severity::kHigh;
    f.score = 0.9;
    f.start = v.start;
    f.end = v.end;
    char message[160];
    std::snprintf(message, sizeof message,
                  "improbable token salad after a request (%.1f bits per character after %.1f, "
                  "%zu odd words, brackets out of order)",
                  static_cast<double>(v.tail_bits), static_cast<double>(v.prefix_bits),
                  v.odd_words);
    f.message = message;
    f.layer = "text";
    out.push_back(std::move(f));
    return Status::ok();
  }

 private:
  std::shared_ptr<const suffix::CharLm> lm_;
};

class AdversarialSuffixFactory final : public detect::DetectorFactory {
 public:
  explicit AdversarialSuffixFactory(std::shared_ptr<const suffix::CharLm> lm)
      : lm_(std::move(lm)) {}
  std::string_view name() const override { return "adversarial_suffix"; }
  std::string_view description() const override {
    return "optimized adversarial suffixes (GCG, DSN): improbable token salad after a request";
  }
  Result<std::unique_ptr<const detect::Detector>> create(
      const boost::json::value& /*config*/) const override {
    return std::unique_ptr<const detect::Detector>(new AdversarialSuffixDetector(lm_));
  }

 private:
  std::shared_ptr<const suffix::CharLm> lm_;
};

}  // namespace

Result<std::unique_ptr<detect::DetectorFactory>> makeAdversarialSuffixFactory(
    const std::string& model_path, std::string& digest) {
  std::string bytes;
  if (model_path.empty()) {
    bytes = std::string(embeddedSuffixModel());
  } else {
    std::ifstream in(model_path, std::ios::binary);
    if (!in) {
      return invalidArgument("SUFFIX_MODEL: cannot read " + model_path);
    }
    std::stringstream ss;
    ss << in.rdbuf();
    bytes = ss.str();
  }
  AISAFE_TRY(auto lm, suffix::CharLm::load(bytes));
  digest = crypto::sha256Hex(bytes);
  return std::unique_ptr<detect::DetectorFactory>(
      new AdversarialSuffixFactory(std::make_shared<const suffix::CharLm>(std::move(lm))));
}

std::unique_ptr<detect::DetectorFactory> makeAdversarialSuffixFactory(
    std::shared_ptr<const suffix::CharLm> lm) {
  return std::make_unique<AdversarialSuffixFactory>(std::move(lm));
}

}  // namespace aisafe::detectors
