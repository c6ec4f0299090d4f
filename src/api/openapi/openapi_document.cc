#include "api/openapi/openapi_document.h"

#include <algorithm>
#include <cctype>

#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

#include "api/openapi/code_schemas.h"
#include "api/openapi/operation.h"
#include "core/embedded.h"

namespace aisafe::embedded {
const std::vector<EmbeddedFile>& openApiSchemaFiles();  // schemas/*.json, see CMakeLists.txt
}  // namespace aisafe::embedded

namespace aisafe::api {
namespace json = boost::json;

namespace {

// The file of per-operation extras among the schema files.
constexpr std::string_view kOperationsFile = "operations.json";

Status bug(const std::string& message) { return internalError("openapi: " + message); }

struct SchemaData {
  json::object schemas;
  json::object operations;  // spec id -> extras
};

// Every schema file merged into one object; the operations file apart.
Result<SchemaData> loadSchemaFiles(const OpenApiInputs& inputs) {
  SchemaData out;
  out.schemas = codeOwnedSchemas(inputs);
  for (const auto& file : embedded::openApiSchemaFiles()) {
    boost::system::error_code ec;
    json::value v = json::parse(file.content, ec);
    if (ec || !v.is_object()) {
      return bug(std::string(file.name) + " is not a JSON object");
    }
    if (file.name == kOperationsFile) {
      out.operations = std::move(v.get_object());
      continue;
    }
    for (auto& [name, schema] : v.get_object()) {
      if (out.schemas.contains(name)) {
        return bug("schema " + std::string(name) + " is defined twice (" + std::string(file.name) +
                   ")");
      }
      out.schemas[name] = std::move(schema);
    }
  }
  return out;
}

// The group an operation is listed under: the resource after /api/v1/, the proxy, or the
// server's own operations (health, readiness, metrics, this document).
std::string tagOf(const RouteSpec& spec) {
  if (spec.permission == auth::Permission::kProxy) {
    return "proxy";
  }
  constexpr std::string_view kApi = "/api/v1/";
  if (spec.pattern.substr(0, kApi.size()) != kApi) {
    return "operations";
  }
  const std::string_view rest = spec.pattern.substr(kApi.size());
  return std::string(rest.substr(0, rest.find('/')));
}

// Every "$ref" in `v`, with where it was found.
void collectRefs(const json::value& v, const std::string& where,
                 std::vector<std::pair<std::string, std::string>>& out) {
  if (v.is_object()) {
    for (const auto& [key, child] : v.get_object()) {
      if (key == "$ref" && child.is_string()) {
        out.emplace_back(std::string(child.get_string()), where);
      } else {
        collectRefs(child, where + "/" + std::string(key), out);
      }
    }
  } else if (v.is_array()) {
    for (const auto& child : v.get_array()) {
      collectRefs(child, where, out);
    }
  }
}

Status checkRefs(const json::value& doc) {
  std::vector<std::pair<std::string, std::string>> refs;
  collectRefs(doc, "", refs);
  for (const auto& [ref, where] : refs) {
    boost::system::error_code ec;
    if (ref.rfind("#/", 0) != 0 || doc.find_pointer(ref.substr(1), ec) == nullptr) {
      std::string message = "dangling $ref ";
      message.append(ref).append(" at ").append(where);
      return bug(message);
    }
  }
  return Status::ok();
}

Status checkNamed(const json::object& schemas, const RouteSpec& spec, std::string_view name) {
  if (!name.empty() && !schemas.contains(name)) {
    return bug("route " + std::string(spec.id) + " names the schema " + std::string(name) +
               ", which no schema file defines");
  }
  return Status::ok();
}

json::object securitySchemes() {
  return json::object{
      {"bearerAuth",
       json::object{{"type", "http"},
                    {"scheme", "bearer"},
                    {"bearerFormat", "JWT"},
                    {"description",
                     "Authorization: Bearer with an access token (a JWT from "
                     "/api/v1/auth/login, or from your OpenID Connect provider when OIDC_* is "
                     "set) or with an API key (ask_live_...)."}}},
      {"apiKeyHeader", json::object{{"type", "apiKey"},
                                    {"in", "header"},
                                    {"name", "X-API-Key"},
                                    {"description",
                                     "An API key (ask_live_...); Anthropic's SDK sends it this "
                                     "way (x-api-key)."}}},
  };
}

json::object errorComponent() {
  return json::object{
      {"description",
       "An error: {\"error\": {\"code\", \"message\", \"request_id\"}}. 401 carries "
       "WWW-Authenticate: Bearer; 429 and 503 carry Retry-After."},
      {"content", json::object{{"application/json",
                                json::object{{"schema", json::object{{"$ref",
                                                                      "#/components/schemas/"
                                                                      "Error"}}}}}}}};
}

}  // namespace

Result<json::object> buildOpenApiDocument(std::span<const RouteSpec> specs,
                                          const OpenApiInputs& inputs) {
  AISAFE_TRY(SchemaData data, loadSchemaFiles(inputs));
  for (const auto& entry : data.operations) {
    const std::string_view id = entry.key();
    const bool known =
        std::any_of(specs.begin(), specs.end(), [id](const RouteSpec& s) { return s.id == id; });
    if (!known || !entry.value().is_object()) {
      return bug(std::string(kOperationsFile) + " describes " + std::string(id) +
                 ", which is not a route spec's id (or not an object)");
    }
  }

  json::object paths;
  json::array tags;
  std::vector<std::string> tag_names;
  for (const auto& spec : specs) {
    AISAFE_RETURN_IF_ERROR(checkNamed(data.schemas, spec, spec.request_schema));
    AISAFE_RETURN_IF_ERROR(checkNamed(data.schemas, spec, spec.response_schema));
    const json::value* extras = data.operations.if_contains(spec.id);
    json::object op = operationFor(spec, extras ? &extras->get_object() : nullptr);
    const std::string tag = tagOf(spec);
    op["tags"] = json::array{json::value(tag)};
    if (std::find(tag_names.begin(), tag_names.end(), tag) == tag_names.end()) {
      tag_names.push_back(tag);
      tags.push_back(json::object{{"name", tag}});
    }
    std::string method(boost::beast::http::to_string(spec.method));
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto& path = paths[spec.pattern];
    if (!path.is_object()) {
      path = json::object{};
    }
    path.get_object()[method] = std::move(op);
  }

  json::value doc_value(json::object{});
  json::object& doc = doc_value.get_object();
  doc["openapi"] = "3.1.0";
  doc["info"] = json::object{
      {"title", "aisafe"},
      {"version", inputs.version},
      {"description",
       "An AI safety gateway: prompts and answers checked against your organization's policy "
       "(allowed, redacted or blocked, with the evidence), the model proxy, and the API to run "
       "it. Generated from the route specs (src/api/route_specs.cc)."},
      {"license", json::object{{"name", "Proprietary"}}}};
  doc["servers"] = json::array{json::object{{"url", "/"}}};
  doc["tags"] = std::move(tags);
  doc["security"] = json::array{json::object{{"bearerAuth", json::array{}}},
                                json::object{{"apiKeyHeader", json::array{}}}};
  doc["paths"] = std::move(paths);
  doc["components"] = json::object{{"schemas", std::move(data.schemas)},
                                   {"responses", json::object{{"Error", errorComponent()}}},
                                   {"securitySchemes", securitySchemes()}};
  AISAFE_RETURN_IF_ERROR(checkRefs(doc_value));
  return std::move(doc);
}

}  // namespace aisafe::api
