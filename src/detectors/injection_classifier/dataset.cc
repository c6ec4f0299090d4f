#include "detectors/injection_classifier/dataset.h"

#include <cctype>
#include <fstream>

#include <boost/json.hpp>

#include "core/utf8.h"

namespace aisafe::detectors::classifier {
namespace json = boost::json;

namespace {

// Code points of the text start that name a group: long enough to tell templates apart, short
// enough that one template filled with different requests is one group.
constexpr std::size_t kGroupPrefix = 40;

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

// The source without its commit, then the text's start lower-cased (ASCII), digits dropped and
// white space collapsed.
std::string groupKey(const LabeledText& row) {
  std::string key = row.source.substr(0, row.source.find('@'));
  key += '|';
  std::size_t taken = 0;
  bool space = false;
  for (std::size_t pos = 0; pos < row.text.size() && taken < kGroupPrefix;) {
    std::size_t len = 1;
    const char32_t c = utf8::decode(row.text, pos, len);
    if (c < 0x80 && std::isdigit(static_cast<int>(c))) {
      pos += len;
      continue;
    }
    if (c < 0x80 && std::isspace(static_cast<int>(c))) {
      space = taken > 0;
      pos += len;
      continue;
    }
    if (space) {
      key += ' ';
      ++taken;
      space = false;
    }
    if (c < 0x80) {
      key += static_cast<char>(std::tolower(static_cast<int>(c)));
    } else {
      key.append(row.text, pos, len);
    }
    ++taken;
    pos += len;
  }
  return key;
}

std::string stringField(const json::object& o, const char* name) {
  const auto* v = o.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

Result<std::vector<LabeledText>> readLabeledTexts(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return notFound("cannot read " + path);
  }
  std::vector<LabeledText> rows;
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) {
      continue;
    }
    const std::string where = path + ":" + std::to_string(line_no) + ": ";
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (ec || !v.is_object()) {
      return invalidArgument(where + "not a JSON object");
    }
    const auto& o = v.get_object();
    LabeledText row;
    row.text = stringField(o, "text");
    row.label = stringField(o, "label");
    row.id = stringField(o, "id");
    row.source = stringField(o, "source");
    row.lang = stringField(o, "lang");
    if (const auto* meta = o.if_contains("meta"); meta != nullptr && meta->is_object()) {
      row.kind = stringField(meta->get_object(), "kind");
    }
    if (row.text.empty()) {
      return invalidArgument(where + "\"text\" is missing or empty");
    }
    if (!utf8::isValid(row.text)) {
      return invalidArgument(where + "\"text\" is not valid UTF-8");
    }
    if (row.label != "injection" && row.label != "jailbreak" && row.label != "benign" &&
        row.label != "context_dependent") {
      return invalidArgument(where +
                             "\"label\" must be injection, jailbreak, benign or context_dependent");
    }
    if (row.id.empty()) {
      row.id = path + ":" + std::to_string(line_no);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Split splitOf(const LabeledText& row) {
  const std::uint64_t h = fnv1a(groupKey(row));
  if (h % 5 == 0) {
    return Split::kTest;
  }
  return (h / 5) % 8 == 0 ? Split::kCalibrate : Split::kTrain;
}

bool isAttack(const LabeledText& row) {
  return row.label == "injection" || row.label == "jailbreak";
}

bool isStandalone(const LabeledText& row) { return row.label != "context_dependent"; }

std::string sourceOrigin(const LabeledText& row) {
  const std::string source = row.source.substr(0, row.source.find_first_of("@ "));
  const auto first = source.find('/');
  if (first == std::string::npos) {
    return source;
  }
  return source.substr(0, source.find('/', first + 1));
}

}  // namespace aisafe::detectors::classifier
