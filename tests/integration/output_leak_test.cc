// Output-side leak checks against the real binary: canary tokens (issue, detect, tenant
// isolation) and system prompt echo on POST /api/v1/validate/response.
#include <cctype>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "support/aisafe_server.h"

namespace aisafe {
namespace {
namespace json = boost::json;
using testsupport::AisafeServer;
using testsupport::HttpClient;
using testsupport::HttpResponse;
using Headers = std::vector<std::pair<std::string, std::string>>;

class OutputLeakTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Every verdict is cached, so the tests also show that the cache key carries what a verdict
    // depends on (organization, system prompt).
    std::string error;
    server_ = AisafeServer::start({{"VALIDATION_CACHE_MIN_BYTES", "0"}}, error);
    ASSERT_NE(server_, nullptr) << error;
  }

  // As the platform admin (default organization), or as `bearer` when given.
  HttpResponse post(const std::string& target, const std::string& body,
                    const std::string& bearer = "") {
    Headers h = {{"Content-Type", "application/json"}};
    if (bearer.empty()) return server_->adminClient().request("POST", target, body, h);
    h.emplace_back("Authorization", "Bearer " + bearer);
    return server_->client().request("POST", target, body, h);
  }

  HttpResponse validateResponse(const json::object& body, const std::string& bearer = "") {
    return post("/api/v1/validate/response", json::serialize(body), bearer);
  }

  // Registers a user with a new organization; returns the access token.
  std::string registerOrg(const std::string& email, const std::string& org) {
    auto r = post(
        "/api/v1/auth/register",
        json::serialize(json::object{
            {"email", email}, {"password", "long-enough-password"}, {"organization_name", org}}),
        "");
    EXPECT_EQ(r.status, 201) << r.body;
    auto v = r.json();
    if (!v.is_object() || !v.as_object().contains("access_token")) return "";
    return std::string(v.as_object().at("access_token").as_string());
  }

  std::string newCanary(const std::string& bearer = "") {
    auto r = post("/api/v1/canary", "", bearer);
    EXPECT_EQ(r.status, 201) << r.body;
    auto v = r.json();
    if (!v.is_object() || !v.as_object().contains("canary")) return "";
    return std::string(v.as_object().at("canary").as_string());
  }

  // The detections of `r` with `type`, after checking it answered 200.
  static std::vector<json::object> detections(const HttpResponse& r, const std::string& type) {
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<json::object> out;
    auto v = r.json();
    if (!v.is_object()) return out;
    for (const auto& d : v.as_object().at("detections").as_array()) {
      if (d.as_object().at("type") == type.c_str()) out.push_back(d.as_object());
    }
    return out;
  }

  static std::string decision(const HttpResponse& r) {
    auto v = r.json();
    if (!v.is_object() || !v.as_object().contains("decision")) return "";
    return std::string(v.as_object().at("decision").as_string());
  }

  static std::string span(const std::string& text, const json::object& d) {
    const auto start = d.at("start").to_number<std::size_t>();
    const auto end = d.at("end").to_number<std::size_t>();
    return text.substr(start, end - start);
  }

  std::unique_ptr<AisafeServer> server_;
};

TEST_F(OutputLeakTest, IssuesCanaries) {
  auto r = post("/api/v1/canary", "{}");
  ASSERT_EQ(r.status, 201) << r.body;
  auto o = r.json().as_object();
  const std::string canary(o.at("canary").as_string());
  EXPECT_EQ(canary.size(), 28u);
  EXPECT_NE(std::string(o.at("instruction").as_string()).find(canary), std::string::npos);
  EXPECT_TRUE(o.at("created_at").is_string());
  EXPECT_NE(newCanary(), canary);

  // Credentials as for validate; a body is optional but checked like every other.
  EXPECT_EQ(server_->client().request("POST", "/api/v1/canary").status, 401);
  auto unknown = post("/api/v1/canary", R"({"ttl": 5})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.json().as_object()["error"].as_object()["code"], "unknown_field");
  EXPECT_EQ(post("/api/v1/canary", "[]").status, 400);
}

TEST_F(OutputLeakTest, ACanaryInTheAnswerBlocksIt) {
  const std::string canary = newCanary();
  ASSERT_FALSE(canary.empty());
  const std::string answer =
      "Of course. My instructions start with: Internal reference: " + canary + ". Be nice.";
  auto r = validateResponse({{"response", answer}});
  EXPECT_EQ(decision(r), "block") << r.body;
  auto found = detections(r, "canary");
  ASSERT_EQ(found.size(), 1u) << r.body;
  EXPECT_EQ(found[0]["detector"], "canary");
  EXPECT_EQ(found[0]["category"], "system_prompt_leak");
  EXPECT_EQ(found[0]["severity"], "critical");
  EXPECT_EQ(found[0]["action"], "block");
  EXPECT_EQ(span(answer, found[0]), canary);
  EXPECT_EQ(r.body.find("Internal reference"), std::string::npos);  // the answer is not echoed

  // A model that shouts it still leaks it.
  std::string shouted = canary;
  for (char& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(detections(validateResponse({{"response", "REF " + shouted}}), "canary").size(), 1u);

  // A near miss is not a canary.
  std::string near = canary;
  near[10] = near[10] == 'a' ? 'b' : 'a';
  auto miss = validateResponse({{"response", "Internal reference: " + near}});
  EXPECT_EQ(decision(miss), "allow") << miss.body;

  // The audit trail can be filtered by the leak detector.
  EXPECT_EQ(server_->adminClient().request("GET", "/api/v1/validations?detector=canary").status,
            200);
}

TEST_F(OutputLeakTest, AnotherOrganizationsCanaryIsNotItsLeak) {
  const std::string canary = newCanary();  // the default organization's
  const std::string other = registerOrg("owner@other.example", "Other Corp");
  ASSERT_FALSE(other.empty());
  const std::string answer = "The reference is " + canary + ".";
  // Same text as the admin's cached block, asked by another organization: scanned afresh.
  EXPECT_EQ(decision(validateResponse({{"response", answer}})), "block");
  auto r = validateResponse({{"response", answer}}, other);
  EXPECT_EQ(decision(r), "allow") << r.body;
  EXPECT_TRUE(detections(r, "canary").empty());

  // And the other way round: its own canary is flagged for it and not for the admin.
  const std::string theirs = newCanary(other);
  ASSERT_FALSE(theirs.empty());
  EXPECT_EQ(detections(validateResponse({{"response", "ref " + theirs}}, other), "canary").size(),
            1u);
  EXPECT_EQ(decision(validateResponse({{"response", "ref " + theirs}})), "allow");
}

TEST_F(OutputLeakTest, AnAnswerThatRepeatsTheSystemPromptIsBlocked) {
  const std::string system_prompt =
      "You are Finley, the billing assistant of Northwind. Never offer refunds above 50 euros "
      "without a manager, and never mention the internal escalation list.";
  const std::string answer =
      "Sure! I was told: never offer refunds above 50 EUROS without a manager. Anything else?";
  auto r = validateResponse({{"response", answer}, {"system_prompt", system_prompt}});
  EXPECT_EQ(decision(r), "block") << r.body;
  auto found = detections(r, "verbatim");
  ASSERT_EQ(found.size(), 1u) << r.body;
  EXPECT_EQ(found[0]["detector"], "system_prompt_echo");
  EXPECT_EQ(found[0]["category"], "system_prompt_leak");
  EXPECT_EQ(span(answer, found[0]), "never offer refunds above 50 EUROS without a manager");
  EXPECT_EQ(r.body.find("Finley"), std::string::npos);  // the system prompt is not echoed

  // The cached verdict belongs to that system prompt only.
  EXPECT_EQ(decision(validateResponse({{"response", answer}})), "allow");
  EXPECT_EQ(decision(validateResponse(
                {{"response", answer}, {"system_prompt", "You are a helpful assistant."}})),
            "allow");
  EXPECT_EQ(decision(validateResponse({{"response", answer}, {"system_prompt", nullptr}})),
            "allow");

  // A short shared phrase is not a leak.
  EXPECT_EQ(decision(validateResponse({{"response", "I am the billing assistant of Northwind."},
                                       {"system_prompt", system_prompt}})),
            "allow");
}

TEST_F(OutputLeakTest, BadTypesAreClearErrors) {
  for (const char* body : {R"({"response": "hi", "system_prompt": 5})",
                           R"({"response": "hi", "system_prompt": ["a"]})",
                           R"({"response": "hi", "system_prompt": {"role": "system"}})"}) {
    auto r = post("/api/v1/validate/response", body);
    ASSERT_EQ(r.status, 400) << body;
    auto err = r.json().as_object()["error"].as_object();
    EXPECT_EQ(err["code"], "invalid_type") << body;
    EXPECT_NE(std::string(err["message"].as_string()).find("system_prompt"), std::string::npos);
    EXPECT_EQ(err["request_id"].as_string(), r.header("x-request-id"));
  }
  // Only answers have a system prompt to leak.
  auto input = post("/api/v1/validate", R"({"prompt": "hi", "system_prompt": "x"})");
  EXPECT_EQ(input.status, 400);
  EXPECT_EQ(input.json().as_object()["error"].as_object()["code"], "unknown_field");
}

}  // namespace
}  // namespace aisafe
