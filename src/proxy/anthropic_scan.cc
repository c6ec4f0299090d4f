#include "proxy/anthropic_scan.h"

#include <string>
#include <string_view>

namespace aisafe::proxy {
namespace {

namespace json = boost::json;
using detect::Surface;

Status badField(const std::string& field, std::string_view why) {
  return Status(StatusCode::kInvalidArgument, "\"" + field + "\" " + std::string(why),
                "invalid_request");
}

void addSlot(ScanPlan& plan, json::string& text, std::string field, Surface surface) {
  if (!text.empty()) {
    plan.slots.push_back({&text, std::move(field), surface});
  }
}

// Every string inside `v` (a tool's input, a schema): the model reads them all.
void planStrings(json::value& v, const std::string& field, Surface surface, ScanPlan& plan) {
  if (v.is_string()) {
    addSlot(plan, v.get_string(), field, surface);
  } else if (v.is_array()) {
    auto& a = v.get_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      planStrings(a[i], field + "[" + std::to_string(i) + "]", surface, plan);
    }
  } else if (v.is_object()) {
    for (auto& member : v.get_object()) {
      planStrings(member.value(), field + "." + std::string(member.key()), surface, plan);
    }
  }
}

Status planBlocks(json::value& content, const std::string& field, Surface surface, ScanPlan& plan);

// One content block. `surface` is the turn's (input for user, output for assistant).
Status planBlock(json::object& block, const std::string& field, Surface surface, ScanPlan& plan) {
  const json::value* type = block.if_contains("type");
  if (type == nullptr || !type->is_string()) {
    return badField(field + ".type", "must be a string");
  }
  const std::string_view t = type->get_string();
  auto text_member = [&](const char* key, Surface s) -> Status {
    json::value* v = block.if_contains(key);
    if (v == nullptr || !v->is_string()) {
      return badField(field + "." + key, "must be a string");
    }
    addSlot(plan, v->get_string(), field + "." + key, s);
    return Status::ok();
  };
  if (t == "text") {
    return text_member("text", surface);
  }
  if (t == "thinking") {
    return text_member("thinking", Surface::kOutput);
  }
  if (t == "redacted_thinking") {
    return Status::ok();  // encrypted by the provider: nothing readable to scan
  }
  if (t == "tool_use") {
    if (json::value* input = block.if_contains("input")) {
      planStrings(*input, field + ".input", Surface::kOutput, plan);
    }
    return Status::ok();
  }
  if (t == "tool_result") {
    if (json::value* content = block.if_contains("content")) {
      return planBlocks(*content, field + ".content", Surface::kRetrieved, plan);
    }
    return Status::ok();
  }
  if (t == "image" || t == "document") {
    ++plan.unscanned_parts;
    return Status::ok();
  }
  return badField(field + ".type", "is not a content block type the proxy knows");
}

// A string, or an array of content blocks.
Status planBlocks(json::value& content, const std::string& field, Surface surface, ScanPlan& plan) {
  if (content.is_string()) {
    addSlot(plan, content.get_string(), field, surface);
    return Status::ok();
  }
  if (!content.is_array()) {
    return badField(field, "must be a string or an array of content blocks");
  }
  auto& blocks = content.get_array();
  for (std::size_t j = 0; j < blocks.size(); ++j) {
    const std::string block_field = field + "[" + std::to_string(j) + "]";
    if (!blocks[j].is_object()) {
      return badField(block_field, "must be an object");
    }
    AISAFE_RETURN_IF_ERROR(planBlock(blocks[j].get_object(), block_field, surface, plan));
  }
  return Status::ok();
}

}  // namespace

Result<ScanPlan> planMessagesRequest(json::object& body) {
  ScanPlan plan;
  if (json::value* system = body.if_contains("system"); system != nullptr && !system->is_null()) {
    AISAFE_RETURN_IF_ERROR(planBlocks(*system, "system", Surface::kInput, plan));
  }
  json::value* messages = body.if_contains("messages");
  if (messages == nullptr) {
    return badField("messages", "is required");
  }
  if (!messages->is_array()) {
    return badField("messages", "must be an array");
  }
  auto& list = messages->get_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string field = "messages[" + std::to_string(i) + "]";
    if (!list[i].is_object()) {
      return badField(field, "must be an object");
    }
    auto& msg = list[i].get_object();
    const json::value* role = msg.if_contains("role");
    if (role == nullptr || !role->is_string()) {
      return badField(field + ".role", "must be a string");
    }
    Surface surface = Surface::kInput;
    if (role->get_string() == "assistant") {
      surface = Surface::kOutput;
    } else if (role->get_string() != "user") {
      return badField(field + ".role", "is not a role the proxy knows");
    }
    json::value* content = msg.if_contains("content");
    if (content == nullptr) {
      return badField(field + ".content", "is required");
    }
    AISAFE_RETURN_IF_ERROR(planBlocks(*content, field + ".content", surface, plan));
  }
  if (json::value* tools = body.if_contains("tools"); tools != nullptr && !tools->is_null()) {
    if (!tools->is_array()) {
      return badField("tools", "must be an array");
    }
    auto& defs = tools->get_array();
    for (std::size_t k = 0; k < defs.size(); ++k) {
      const std::string field = "tools[" + std::to_string(k) + "]";
      if (!defs[k].is_object()) {
        return badField(field, "must be an object");
      }
      auto& def = defs[k].get_object();
      if (json::value* d = def.if_contains("description"); d != nullptr && d->is_string()) {
        addSlot(plan, d->get_string(), field + ".description", Surface::kRetrieved);
      }
      if (json::value* schema = def.if_contains("input_schema")) {
        planStrings(*schema, field + ".input_schema", Surface::kRetrieved, plan);
      }
    }
  }
  return plan;
}

Result<ScanPlan> planMessagesResponse(json::object& body) {
  ScanPlan plan;
  json::value* content = body.if_contains("content");
  if (content == nullptr || content->is_null()) {
    return plan;
  }
  AISAFE_RETURN_IF_ERROR(planBlocks(*content, "content", Surface::kOutput, plan));
  return plan;
}

}  // namespace aisafe::proxy
