#include "api/openapi/operation.h"

#include <boost/json.hpp>

#include "auth/permissions.h"

namespace aisafe::api {
namespace json = boost::json;
namespace beasthttp = boost::beast::http;
using auth::Permission;

namespace {

std::string_view chargeName(RateLimitCharge c) {
  switch (c) {
    case RateLimitCharge::kExempt:
      return "exempt";
    case RateLimitCharge::kRequest:
      return "request";
    case RateLimitCharge::kRequestAndCharacters:
      return "request_and_characters";
  }
  return "request";
}

// Who may call the route, in words, from the same tables the authentication middleware checks.
std::string whoMayCall(Permission p) {
  switch (p) {
    case Permission::kPublic:
      return "Public: no credentials needed.";
    case Permission::kSelf:
      return "Any signed-in user, on their own account (an access token, not an API key).";
    case Permission::kPlatformAdmin:
      return "Platform admins only (the access token of a superadmin user).";
    default:
      break;
  }
  std::string roles, scopes;
  for (const auto& role : auth::knownRoles()) {
    if (auth::roleAllows(role, p)) {
      roles += (roles.empty() ? "" : ", ") + role;
    }
  }
  for (const auto& scope : auth::knownScopes()) {
    if (auth::scopesAllow({scope}, p)) {
      scopes += (scopes.empty() ? "" : ", ") + scope;
    }
  }
  std::string out = "Needs the permission `" + std::string(auth::toString(p)) + "`: roles " +
                    roles + "; API key scopes " + scopes + ".";
  if (p == Permission::kValidate) {
    out += " With ALLOW_ANONYMOUS_VALIDATE=true, callers without credentials too.";
  }
  return out;
}

json::array security(Permission p) {
  const json::object bearer{{"bearerAuth", json::array{}}};
  const json::object api_key{{"apiKeyHeader", json::array{}}};
  json::array out;
  if (p == Permission::kPublic) {
    return out;  // []: no credentials
  }
  out.push_back(bearer);
  if (p == Permission::kSelf || p == Permission::kPlatformAdmin) {
    return out;  // users only: an API key never acts as a person
  }
  out.push_back(api_key);
  if (p == Permission::kValidate) {
    out.push_back(json::object{});  // anonymous, when the server allows it
  }
  return out;
}

json::object schemaRef(std::string_view name) {
  return json::object{{"$ref", "#/components/schemas/" + std::string(name)}};
}

json::object jsonContent(std::string_view schema) {
  return json::object{{"application/json", json::object{{"schema", schemaRef(schema)}}}};
}

// The error answers the route can give, beyond the `default` (500, 503) every route has.
std::vector<int> errorStatuses(const RouteSpec& spec, bool has_query_or_body) {
  std::vector<int> out;
  if (has_query_or_body) {
    out.push_back(400);
  }
  if (spec.permission != Permission::kPublic) {
    out.push_back(401);
    out.push_back(403);
  }
  if (spec.pattern.find('{') != std::string_view::npos) {
    out.push_back(404);
  }
  if (!spec.request_schema.empty()) {
    out.push_back(413);
    if (spec.permission != Permission::kProxy) {
      out.push_back(422);  // the proxy's problems with a body are 400s, in the provider's shape
    }
  }
  if (spec.rate_limit != RateLimitCharge::kExempt) {
    out.push_back(429);
  }
  return out;
}

json::object errorResponse(const json::string* error_schema) {
  if (error_schema == nullptr) {
    return json::object{{"$ref", "#/components/responses/Error"}};
  }
  return json::object{{"description", "An error, in the provider's shape."},
                      {"content", jsonContent(*error_schema)}};
}

json::object successResponse(const RouteSpec& spec) {
  const auto status = spec.success;
  json::object res{{"description", std::string(beasthttp::obsolete_reason(status))}};
  if (!spec.response_schema.empty()) {
    res["content"] = jsonContent(spec.response_schema);
  }
  return res;
}

}  // namespace

std::vector<std::string> pathParameters(std::string_view pattern) {
  std::vector<std::string> out;
  for (auto open = pattern.find('{'); open != std::string_view::npos;
       open = pattern.find('{', open + 1)) {
    const auto close = pattern.find('}', open);
    if (close == std::string_view::npos) {
      break;
    }
    out.emplace_back(pattern.substr(open + 1, close - open - 1));
  }
  return out;
}

json::object operationFor(const RouteSpec& spec, const json::object* extras) {
  json::object op;
  op["operationId"] = spec.id;
  op["summary"] = spec.summary;
  std::string description = whoMayCall(spec.permission);
  if (extras != nullptr) {
    if (const auto* more = extras->if_contains("description"); more && more->is_string()) {
      description = std::string(more->get_string()) + "\n\n" + description;
    }
  }
  op["description"] = description;
  op["x-aisafe-permission"] = auth::toString(spec.permission);
  op["x-aisafe-rate-limit"] = chargeName(spec.rate_limit);
  op["security"] = security(spec.permission);

  json::array parameters;
  for (const auto& name : pathParameters(spec.pattern)) {
    parameters.push_back(json::object{{"name", name},
                                      {"in", "path"},
                                      {"required", true},
                                      {"schema", json::object{{"type", "string"}}}});
  }
  bool has_query = false;
  if (extras != nullptr) {
    if (const auto* more = extras->if_contains("parameters"); more && more->is_array()) {
      for (const auto& p : more->get_array()) {
        const json::value* in = p.is_object() ? p.get_object().if_contains("in") : nullptr;
        has_query = has_query || (in != nullptr && in->is_string() && in->get_string() == "query");
        parameters.push_back(p);
      }
    }
  }
  if (!parameters.empty()) {
    op["parameters"] = std::move(parameters);
  }
  if (!spec.request_schema.empty()) {
    op["requestBody"] =
        json::object{{"required", true}, {"content", jsonContent(spec.request_schema)}};
  }

  const json::string* error_schema = nullptr;
  if (extras != nullptr) {
    if (const auto* e = extras->if_contains("error_schema"); e && e->is_string()) {
      error_schema = &e->get_string();
    }
  }
  json::object responses;
  responses[std::to_string(static_cast<int>(spec.success))] = successResponse(spec);
  for (int status : errorStatuses(spec, has_query || !spec.request_schema.empty())) {
    responses[std::to_string(status)] = errorResponse(error_schema);
  }
  responses["default"] = errorResponse(error_schema);
  if (extras != nullptr) {
    if (const auto* more = extras->if_contains("responses"); more && more->is_object()) {
      for (const auto& [status, res] : more->get_object()) {
        responses[status] = res;
      }
    }
  }
  op["responses"] = std::move(responses);
  return op;
}

}  // namespace aisafe::api
