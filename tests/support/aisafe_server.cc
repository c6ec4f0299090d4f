#include "support/aisafe_server.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <string_view>
#include <thread>

#include <unistd.h>

namespace aisafe::testsupport {
namespace {

using namespace std::chrono_literals;

constexpr auto kStartDeadline = 15s;
constexpr auto kStopDeadline = 15s;
constexpr auto kPollInterval = 20ms;
// Cap per /health probe so one hung probe cannot eat the whole deadline.
constexpr auto kProbeTimeout = 2s;

bool hasVar(const EnvVars& env, const std::string& name) {
  return std::any_of(env.begin(), env.end(), [&](const auto& kv) { return kv.first == name; });
}

// Port number from the port file, or 0 while it is missing, partially
// written or not a valid port.
int readPortFile(const std::string& path) {
  std::string text = readFile(path);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  int port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return 0;
  return (port > 0 && port <= 65535) ? port : 0;
}

}  // namespace

std::string aisafeBinaryPath() {
#ifdef AISAFE_BINARY
  if (std::string_view(AISAFE_BINARY).size() > 0) return AISAFE_BINARY;
#endif
  const char* from_env = std::getenv("AISAFE_BINARY");
  return from_env != nullptr ? from_env : "";
}

AisafeServer::AisafeServer(TempDir dir, std::unique_ptr<ChildProcess> process, std::string log_path)
    : temp_dir_(std::move(dir)), process_(std::move(process)), log_path_(std::move(log_path)) {}

AisafeServer::~AisafeServer() = default;  // ~ChildProcess kills, then ~TempDir cleans up

std::unique_ptr<AisafeServer> AisafeServer::start(
    const std::vector<std::pair<std::string, std::string>>& env, std::string& error,
    std::vector<std::string> extra_args) {
  const std::string binary = aisafeBinaryPath();
  if (binary.empty()) {
    error =
        "aisafe binary unknown: neither the AISAFE_BINARY compile definition nor the "
        "AISAFE_BINARY environment variable is set";
    return nullptr;
  }
  if (::access(binary.c_str(), X_OK) != 0) {
    error = "aisafe binary not executable: " + binary;
    return nullptr;
  }

  TempDir dir("aisafe-server");
  if (!dir.valid()) {
    error = dir.error();
    return nullptr;
  }
  const std::string port_file = dir.path() + "/port";
  const std::string log_path = dir.path() + "/server.log";

  EnvVars full_env = env;
  if (!hasVar(env, "DATABASE_URL")) {
    full_env.emplace_back("DATABASE_URL", "sqlite://" + dir.path() + "/aisafe.db");
  }
  if (!hasVar(env, "LOG_LEVEL")) full_env.emplace_back("LOG_LEVEL", "warn");
  if (!hasVar(env, "ADMIN_EMAIL")) full_env.emplace_back("ADMIN_EMAIL", kAdminEmail);
  if (!hasVar(env, "ADMIN_PASSWORD")) full_env.emplace_back("ADMIN_PASSWORD", kAdminPassword);
  // The cheapest bcrypt cost: tests log in often and measure nothing about hashing.
  if (!hasVar(env, "SECRET_KEY")) {
    full_env.emplace_back("SECRET_KEY", "test-secret-key-0123456789abcdefghijklmnopqrstuv");
  }
  if (!hasVar(env, "BCRYPT_COST")) full_env.emplace_back("BCRYPT_COST", "4");

  std::vector<std::string> argv = {binary,   "serve", "--host",      "127.0.0.1",
                                   "--port", "0",     "--port-file", port_file};
  argv.insert(argv.end(), std::make_move_iterator(extra_args.begin()),
              std::make_move_iterator(extra_args.end()));

  auto process = ChildProcess::spawn(argv, full_env, log_path, error);
  if (!process) return nullptr;

  std::unique_ptr<AisafeServer> server(
      new AisafeServer(std::move(dir), std::move(process), log_path));
  if (!server->waitHealthy(port_file, error)) {
    error += "\n--- " + log_path + " (tail) ---\n" + readFileTail(log_path);
    return nullptr;  // destructor kills the process and removes the temp dir
  }
  return server;
}

bool AisafeServer::waitHealthy(const std::string& port_file, std::string& error) {
  const auto deadline = std::chrono::steady_clock::now() + kStartDeadline;
  std::string last_problem = "port file " + port_file + " never contained a port";
  while (true) {
    if (!process_->running()) {
      error = "aisafe exited during start-up with status " +
              std::to_string(process_->exitStatus().value_or(kUnknownExitStatus));
      return false;
    }
    // Re-read every round: a half-written file may briefly hold a wrong port.
    if (int port = readPortFile(port_file); port > 0) {
      auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      HttpClient probe(port, "127.0.0.1",
                       std::clamp<std::chrono::milliseconds>(remaining, 100ms, kProbeTimeout));
      HttpResponse health = probe.request("GET", "/health");
      if (health.status == 200) {
        port_ = port;
        return true;
      }
      last_problem = health.status == 0
                         ? "GET /health on port " + std::to_string(port) + ": " + health.error
                         : "GET /health returned " + std::to_string(health.status);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      error = "aisafe not healthy within 15 s: " + last_problem;
      return false;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

int AisafeServer::stop(int sig) {
  if (process_->running()) {
    process_->signal(sig);
    if (!process_->waitExit(kStopDeadline)) process_->kill();
  }
  return process_->exitStatus().value_or(kUnknownExitStatus);
}

HttpClient AisafeServer::adminClient() {
  if (admin_token_.empty()) {
    auto res = client().request(
        "POST", "/api/v1/auth/login",
        std::string(R"({"email":")") + kAdminEmail + R"(","password":")" + kAdminPassword + "\"}");
    auto body = res.json();
    if (body.is_object() && body.as_object().contains("access_token")) {
      admin_token_ = std::string(body.as_object()["access_token"].as_string());
    }
  }
  HttpClient c(port_);
  c.setDefaultHeader("Authorization", "Bearer " + admin_token_);
  return c;
}

}  // namespace aisafe::testsupport
