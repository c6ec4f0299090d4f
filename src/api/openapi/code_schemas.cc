#include "api/openapi/code_schemas.h"

#include <boost/json.hpp>

#include "auth/permissions.h"
#include "policy/policy.h"
#include "webhooks/endpoint_service.h"

namespace aisafe::api {
namespace json = boost::json;

namespace {

json::object enumSchema(const std::vector<std::string>& values, std::string_view description) {
  json::array list;
  for (const auto& v : values) {
    list.emplace_back(v);
  }
  return json::object{{"type", "string"}, {"enum", std::move(list)}, {"description", description}};
}

}  // namespace

json::object codeOwnedSchemas(const OpenApiInputs& inputs) {
  return json::object{
      {"Scope", enumSchema(auth::knownScopes(), "An API key scope (docs/rbac.md).")},
      {"Role", enumSchema(auth::knownRoles(), "A member's role, weakest first.")},
      {"EventType", enumSchema(webhooks::eventTypes(), "A webhook event type (docs/webhooks.md).")},
      {"Category", enumSchema(policy::knownCategories(), "The category of a finding.")},
      {"Detector", enumSchema(inputs.detectors, "A detector a policy may run.")},
  };
}

}  // namespace aisafe::api
