#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/offline.h"
#include "core/utf8.h"
#include "http/response.h"
#include "policy/decision_json.h"

namespace aisafe::cli {

namespace {

bool readAll(const char* path, std::string& out) {
  std::stringstream ss;
  if (std::strcmp(path, "-") == 0) {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return false;
    }
    ss << in.rdbuf();
  }
  out = ss.str();
  return true;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "aisafe scan: %s\n", message.c_str());
  return 2;
}

}  // namespace

int scan(const char* policy_file, const char* input_file, bool response) {
  auto registry = loadOfflineRegistry();
  if (!registry) {
    return fail(registry.status().message());
  }
  auto spec = loadPolicyFile(policy_file, **registry);
  if (!spec) {
    return fail(spec.status().message());
  }
  const std::string policy_id = policy_file != nullptr ? policy_file : "default";
  auto compiled = policy::compilePolicy(policy_id, 1, std::move(spec).value(), **registry);
  if (!compiled) {
    return fail(compiled.status().message());
  }

  std::string text;
  if (!readAll(input_file, text)) {
    return fail(std::string("cannot read ") + input_file);
  }
  if (auto bad = utf8::firstInvalid(text)) {
    return fail("input is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
  }
  detect::ScanScratch scratch;
  detect::Findings findings;
  const auto surface = response ? detect::Surface::kOutput : detect::Surface::kInput;
  if (auto st = (*compiled)->pipeline->scan(text, surface, scratch, findings); !st.isOk()) {
    return fail(st.message());
  }
  auto decision = policy::decide((*compiled)->spec, std::move(findings), text);
  const auto out = policy::decisionJson(decision, **compiled, response ? "response" : "prompt");
  std::printf("%s\n", http::serializeJson(out).c_str());
  return decision.action == policy::Action::kBlock ? 1 : 0;
}

}  // namespace aisafe::cli
