#include "proxy/embeddings_scan.h"

#include <string>

namespace aisafe::proxy {
namespace {

namespace json = boost::json;

Status badInput(const std::string& field, const std::string& why,
                const char* reason = "invalid_request") {
  return Status(StatusCode::kInvalidArgument, "\"" + field + "\" " + why, reason);
}

Status tokenIds(const std::string& field) {
  return badInput(field,
                  "holds token ids, which aisafe cannot read without the model's tokenizer: send "
                  "the text instead",
                  "unscannable_input");
}

}  // namespace

Result<ScanPlan> planEmbeddingsRequest(json::object& body) {
  json::value* input = body.if_contains("input");
  if (input == nullptr || input->is_null()) {
    return badInput("input", "is required");
  }
  ScanPlan plan;
  auto add = [&plan](json::string& text, std::string field) {
    if (!text.empty()) {
      plan.slots.push_back({&text, std::move(field), detect::Surface::kInput});
    }
  };
  if (input->is_string()) {
    add(input->get_string(), "input");
    return plan;
  }
  if (!input->is_array()) {
    return badInput("input", "must be a string or an array of strings");
  }
  auto& items = input->get_array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string field = "input[" + std::to_string(i) + "]";
    if (items[i].is_string()) {
      add(items[i].get_string(), field);
    } else if (items[i].is_int64() || items[i].is_uint64() || items[i].is_array()) {
      return tokenIds(items[i].is_array() ? field : std::string("input"));
    } else {
      return badInput(field, "must be a string");
    }
  }
  return plan;
}

}  // namespace aisafe::proxy
