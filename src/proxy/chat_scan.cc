#include "proxy/chat_scan.h"

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

// A string member, if present and not null; an error when it has another type.
Status optionalString(json::object& obj, std::string_view key, const std::string& field,
                      Surface surface, ScanPlan& plan) {
  json::value* v = obj.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return Status::ok();
  }
  if (!v->is_string()) {
    return badField(field, "must be a string");
  }
  addSlot(plan, v->get_string(), field, surface);
  return Status::ok();
}

Surface surfaceOfRole(std::string_view role, bool& known) {
  known = true;
  if (role == "system" || role == "developer" || role == "user") {
    return Surface::kInput;
  }
  if (role == "tool" || role == "function") {
    return Surface::kRetrieved;
  }
  if (role == "assistant") {
    return Surface::kOutput;
  }
  known = false;
  return Surface::kInput;
}

// "content": a string, null, or an array of parts.
Status planContent(json::value& content, const std::string& field, Surface surface,
                   ScanPlan& plan) {
  if (content.is_null()) {
    return Status::ok();
  }
  if (content.is_string()) {
    addSlot(plan, content.get_string(), field, surface);
    return Status::ok();
  }
  if (!content.is_array()) {
    return badField(field, "must be a string, an array of parts or null");
  }
  auto& parts = content.get_array();
  for (std::size_t j = 0; j < parts.size(); ++j) {
    const std::string part_field = field + "[" + std::to_string(j) + "]";
    if (!parts[j].is_object()) {
      return badField(part_field, "must be an object");
    }
    auto& part = parts[j].get_object();
    const json::value* type = part.if_contains("type");
    if (type == nullptr || !type->is_string()) {
      return badField(part_field + ".type", "must be a string");
    }
    const std::string_view t = type->get_string();
    if (t == "text" || t == "refusal") {
      const std::string key(t);
      json::value* text = part.if_contains(key);
      if (text == nullptr || !text->is_string()) {
        return badField(part_field + "." + key, "must be a string");
      }
      addSlot(plan, text->get_string(), part_field + "." + key, surface);
    } else if (t == "image_url" || t == "input_audio" || t == "file") {
      ++plan.unscanned_parts;
    } else {
      return badField(part_field + ".type", "is not a content part type the proxy knows");
    }
  }
  return Status::ok();
}

// Tool calls the model made earlier in the conversation: their arguments are its output.
Status planToolCalls(json::object& msg, const std::string& field, ScanPlan& plan) {
  json::value* calls = msg.if_contains("tool_calls");
  if (calls != nullptr && !calls->is_null()) {
    if (!calls->is_array()) {
      return badField(field + ".tool_calls", "must be an array");
    }
    auto& list = calls->get_array();
    for (std::size_t k = 0; k < list.size(); ++k) {
      const std::string call_field = field + ".tool_calls[" + std::to_string(k) + "]";
      if (!list[k].is_object()) {
        return badField(call_field, "must be an object");
      }
      json::value* fn = list[k].get_object().if_contains("function");
      if (fn == nullptr || fn->is_null()) {
        continue;
      }
      if (!fn->is_object()) {
        return badField(call_field + ".function", "must be an object");
      }
      AISAFE_RETURN_IF_ERROR(optionalString(fn->get_object(), "arguments",
                                            call_field + ".function.arguments", Surface::kOutput,
                                            plan));
    }
  }
  json::value* legacy = msg.if_contains("function_call");
  if (legacy != nullptr && !legacy->is_null()) {
    if (!legacy->is_object()) {
      return badField(field + ".function_call", "must be an object");
    }
    AISAFE_RETURN_IF_ERROR(optionalString(legacy->get_object(), "arguments",
                                          field + ".function_call.arguments", Surface::kOutput,
                                          plan));
  }
  return Status::ok();
}

// Every string in a tool's parameter schema (descriptions, enums, defaults): the model reads them
// all, so an injection can hide in any of them.
void planSchemaStrings(json::value& v, const std::string& field, ScanPlan& plan) {
  if (v.is_string()) {
    addSlot(plan, v.get_string(), field, Surface::kRetrieved);
  } else if (v.is_array()) {
    auto& a = v.get_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      planSchemaStrings(a[i], field + "[" + std::to_string(i) + "]", plan);
    }
  } else if (v.is_object()) {
    for (auto& member : v.get_object()) {
      planSchemaStrings(member.value(), field + "." + std::string(member.key()), plan);
    }
  }
}

// A function definition: {"name", "description"?, "parameters"?}.
Status planFunctionDefinition(json::object& fn, const std::string& field, ScanPlan& plan) {
  AISAFE_RETURN_IF_ERROR(
      optionalString(fn, "description", field + ".description", Surface::kRetrieved, plan));
  if (json::value* params = fn.if_contains("parameters")) {
    planSchemaStrings(*params, field + ".parameters", plan);
  }
  return Status::ok();
}

Status planTools(json::object& body, ScanPlan& plan) {
  if (json::value* tools = body.if_contains("tools"); tools != nullptr && !tools->is_null()) {
    if (!tools->is_array()) {
      return badField("tools", "must be an array");
    }
    auto& list = tools->get_array();
    for (std::size_t k = 0; k < list.size(); ++k) {
      const std::string field = "tools[" + std::to_string(k) + "]";
      if (!list[k].is_object()) {
        return badField(field, "must be an object");
      }
      json::value* fn = list[k].get_object().if_contains("function");
      if (fn != nullptr && fn->is_object()) {
        AISAFE_RETURN_IF_ERROR(planFunctionDefinition(fn->get_object(), field + ".function", plan));
      } else if (fn != nullptr && !fn->is_null()) {
        return badField(field + ".function", "must be an object");
      }
    }
  }
  if (json::value* fns = body.if_contains("functions"); fns != nullptr && !fns->is_null()) {
    if (!fns->is_array()) {
      return badField("functions", "must be an array");
    }
    auto& list = fns->get_array();
    for (std::size_t k = 0; k < list.size(); ++k) {
      const std::string field = "functions[" + std::to_string(k) + "]";
      if (!list[k].is_object()) {
        return badField(field, "must be an object");
      }
      AISAFE_RETURN_IF_ERROR(planFunctionDefinition(list[k].get_object(), field, plan));
    }
  }
  return Status::ok();
}

}  // namespace

Result<ScanPlan> planChatRequest(json::object& body) {
  ScanPlan plan;
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
    bool known = false;
    const Surface surface = surfaceOfRole(role->get_string(), known);
    if (!known) {
      return badField(field + ".role", "is not a role the proxy knows");
    }
    if (json::value* content = msg.if_contains("content")) {
      AISAFE_RETURN_IF_ERROR(planContent(*content, field + ".content", surface, plan));
    }
    if (surface == Surface::kOutput) {
      AISAFE_RETURN_IF_ERROR(
          optionalString(msg, "refusal", field + ".refusal", Surface::kOutput, plan));
      AISAFE_RETURN_IF_ERROR(planToolCalls(msg, field, plan));
    }
  }
  AISAFE_RETURN_IF_ERROR(planTools(body, plan));
  return plan;
}

Result<ScanPlan> planChatResponse(json::object& body) {
  ScanPlan plan;
  json::value* choices = body.if_contains("choices");
  if (choices == nullptr || choices->is_null()) {
    return plan;
  }
  if (!choices->is_array()) {
    return badField("choices", "must be an array");
  }
  auto& list = choices->get_array();
  for (std::size_t c = 0; c < list.size(); ++c) {
    const std::string field = "choices[" + std::to_string(c) + "]";
    if (!list[c].is_object()) {
      return badField(field, "must be an object");
    }
    json::value* message = list[c].get_object().if_contains("message");
    if (message == nullptr || message->is_null()) {
      continue;
    }
    if (!message->is_object()) {
      return badField(field + ".message", "must be an object");
    }
    auto& msg = message->get_object();
    if (json::value* content = msg.if_contains("content")) {
      AISAFE_RETURN_IF_ERROR(
          planContent(*content, field + ".message.content", Surface::kOutput, plan));
    }
    AISAFE_RETURN_IF_ERROR(
        optionalString(msg, "refusal", field + ".message.refusal", Surface::kOutput, plan));
    AISAFE_RETURN_IF_ERROR(planToolCalls(msg, field + ".message", plan));
  }
  return plan;
}

}  // namespace aisafe::proxy
