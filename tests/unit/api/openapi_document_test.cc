// The OpenAPI document is generated from the route specs and the schema files
// (api/openapi/openapi_document.h): every spec is an operation under its method and pattern,
// every schema a spec names exists, no $ref points at nothing, and what each operation says
// about credentials follows its permission. That the document is valid OpenAPI 3.1 and that the
// server's answers match it is checked with npm validators (tests/e2e/openapi.test.js).
#include "api/openapi/openapi_document.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "api/openapi/operation.h"
#include "api/route_spec.h"

namespace aisafe {
namespace {
namespace json = boost::json;

const json::object& document() {
  static const json::object kDoc = [] {
    auto built = api::buildOpenApiDocument(api::routeSpecs(),
                                           {.version = "test", .detectors = {"pii", "secrets"}});
    EXPECT_TRUE(built.isOk()) << built.status().message();
    return built ? *built : json::object{};
  }();
  return kDoc;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

const json::object* operationOf(const api::RouteSpec& spec) {
  const auto* path = document().at("paths").as_object().if_contains(spec.pattern);
  if (path == nullptr) {
    return nullptr;
  }
  const auto* op = path->as_object().if_contains(lower(boost::beast::http::to_string(spec.method)));
  return op == nullptr ? nullptr : &op->as_object();
}

TEST(OpenApiDocumentTest, BuildsAsOpenApi31) {
  const auto& doc = document();
  ASSERT_FALSE(doc.empty());
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  EXPECT_EQ(doc.at("info").at("version"), "test");
}

TEST(OpenApiDocumentTest, ASchemaNamedButNotDefinedStopsTheBuild) {
  std::vector<api::RouteSpec> specs(api::routeSpecs().begin(), api::routeSpecs().end());
  specs.push_back({.id = "broken",
                   .method = boost::beast::http::verb::get,
                   .pattern = "/broken",
                   .permission = auth::Permission::kPublic,
                   .execution = http::Execution::kInline,
                   .rate_limit = api::RateLimitCharge::kRequest,
                   .request_schema = "",
                   .response_schema = "NoSuchSchema",
                   .summary = "names a schema nobody wrote"});
  auto built = api::buildOpenApiDocument(specs, {});
  ASSERT_FALSE(built.isOk());
  EXPECT_NE(built.status().message().find("NoSuchSchema"), std::string::npos);
}

TEST(OpenApiDocumentTest, OperationsDataForNoSpecStopsTheBuild) {
  // operations.json describes "ready": without that spec, the entry would describe nothing.
  std::vector<api::RouteSpec> specs;
  for (const auto& spec : api::routeSpecs()) {
    if (spec.id != "ready") {
      specs.push_back(spec);
    }
  }
  auto built = api::buildOpenApiDocument(specs, {});
  ASSERT_FALSE(built.isOk());
  EXPECT_NE(built.status().message().find("ready"), std::string::npos);
}

TEST(OpenApiDocumentTest, EverySpecIsAnOperationWithItsIdPermissionAndAnswer) {
  std::size_t operations = 0;
  for (const auto& [pattern, path] : document().at("paths").as_object()) {
    operations += path.as_object().size();
  }
  EXPECT_EQ(operations, api::routeSpecs().size());
  for (const auto& spec : api::routeSpecs()) {
    const json::object* op = operationOf(spec);
    ASSERT_NE(op, nullptr) << spec.id;
    EXPECT_EQ(op->at("operationId"), json::value(spec.id));
    EXPECT_EQ(op->at("summary"), json::value(spec.summary));
    EXPECT_EQ(op->at("x-aisafe-permission"), json::value(auth::toString(spec.permission)))
        << spec.id;
    const auto& responses = op->at("responses").as_object();
    const std::string success = std::to_string(static_cast<int>(spec.success));
    ASSERT_TRUE(responses.contains(success)) << spec.id;
    EXPECT_TRUE(responses.contains("default")) << spec.id;
    EXPECT_EQ(op->contains("requestBody"), !spec.request_schema.empty()) << spec.id;
  }
}

TEST(OpenApiDocumentTest, EverySchemaASpecNamesExists) {
  const auto& schemas = document().at("components").at("schemas").as_object();
  for (const auto& spec : api::routeSpecs()) {
    for (std::string_view name : {spec.request_schema, spec.response_schema}) {
      EXPECT_TRUE(name.empty() || schemas.contains(name)) << spec.id << " names " << name;
    }
  }
}

void expectRefsResolve(const json::value& v, const json::value& doc) {
  if (v.is_object()) {
    for (const auto& [key, child] : v.get_object()) {
      if (key == "$ref") {
        ASSERT_TRUE(child.is_string());
        const std::string ref(child.get_string());
        boost::system::error_code ec;
        EXPECT_EQ(ref.rfind("#/", 0), 0U) << ref;
        EXPECT_NE(doc.find_pointer(ref.substr(1), ec), nullptr) << "dangling " << ref;
      } else {
        expectRefsResolve(child, doc);
      }
    }
  } else if (v.is_array()) {
    for (const auto& child : v.get_array()) {
      expectRefsResolve(child, doc);
    }
  }
}

TEST(OpenApiDocumentTest, NoRefDangles) {
  const json::value doc = document();
  expectRefsResolve(doc, doc);
}

TEST(OpenApiDocumentTest, ErrorsShareTheErrorShape) {
  const auto& error = document().at("components").at("schemas").at("Error");
  EXPECT_EQ(error.at("properties").at("error").at("required"),
            (json::array{"code", "message", "request_id"}));
  const json::object* op = operationOf(*api::findRouteSpec("createPolicy"));
  ASSERT_NE(op, nullptr);
  for (const char* status : {"400", "401", "403", "413", "422", "429", "default"}) {
    ASSERT_TRUE(op->at("responses").as_object().contains(status)) << status;
    EXPECT_EQ(op->at("responses").at(status).at("$ref"), "#/components/responses/Error");
  }
  // The proxy answers in its provider's shape.
  const json::object* chat = operationOf(*api::findRouteSpec("chatCompletions"));
  ASSERT_NE(chat, nullptr);
  EXPECT_EQ(
      chat->at("responses").at("401").at("content").at("application/json").at("schema").at("$ref"),
      "#/components/schemas/OpenAiError");
}

TEST(OpenApiDocumentTest, SecurityFollowsThePermission) {
  const auto& schemes = document().at("components").at("securitySchemes");
  EXPECT_EQ(schemes.at("bearerAuth").at("scheme"), "bearer");
  EXPECT_EQ(schemes.at("apiKeyHeader").at("name"), "X-API-Key");
  // Public: no credentials; self: a person's token only; keys: either.
  EXPECT_TRUE(operationOf(*api::findRouteSpec("login"))->at("security").as_array().empty());
  EXPECT_EQ(operationOf(*api::findRouteSpec("getMe"))->at("security").as_array().size(), 1U);
  EXPECT_EQ(operationOf(*api::findRouteSpec("createApiKey"))->at("security").as_array().size(), 2U);
  const auto& description =
      operationOf(*api::findRouteSpec("createApiKey"))->at("description").as_string();
  EXPECT_NE(description.find("keys:write"), json::string::npos) << description;
}

TEST(OpenApiDocumentTest, PathParametersComeFromThePattern) {
  EXPECT_EQ(api::pathParameters("/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry"),
            (std::vector<std::string>{"id", "delivery_id"}));
  EXPECT_TRUE(api::pathParameters("/health").empty());
  const json::object* op = operationOf(*api::findRouteSpec("updateMember"));
  ASSERT_NE(op, nullptr);
  std::set<std::string> names;
  for (const auto& p : op->at("parameters").as_array()) {
    if (p.at("in") == "path") {
      names.emplace(p.at("name").as_string());
      EXPECT_EQ(p.at("required"), true);
    }
  }
  EXPECT_EQ(names, (std::set<std::string>{"id", "user_id"}));
}

TEST(OpenApiDocumentTest, EnumsTheCodeOwnsAreReadFromIt) {
  const auto& schemas = document().at("components").at("schemas");
  EXPECT_EQ(schemas.at("Detector").at("enum"), (json::array{"pii", "secrets"}));
  const auto& scopes = schemas.at("Scope").at("enum").as_array();
  EXPECT_EQ(scopes.size(), auth::knownScopes().size());
}

}  // namespace
}  // namespace aisafe
