// The aisafe command line: serve, worker, migrate, scan, admin, train, eval. Each subcommand lives
// in its own file; run() parses the arguments and dispatches. Configuration comes from the
// environment and .env (see core/config.h); flags override what they name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace aisafe::cli {

struct AdminArgs {
  std::string action;  // create-org, create-user, create-key, list-keys, hash-password
  std::string name;    // organization or key name
  std::string email, password, role = "member";
  std::string organization;  // organization id
  std::vector<std::string> scopes;
};

int run(int argc, char** argv);

int serve(const char* host, int port, const char* port_file);
int migrate(const char* direction, int steps);
int worker();
// Exit codes: 0 allow or redact, 1 block, 2 error.
int scan(const char* policy_file, const char* input_file, bool response);
// JSON lines in ({"text", "id"?, "source"?}: "prompt", "user", "retrieved" or "response"; absent:
// as `response` says), one line out for each: the decision with "id" and "line", or
// {"id"?, "line", "error": {"code", "message"}}. Exit codes: 0 every text scanned and none
// blocked, 1 a text blocked, 3 none blocked but a line could not be scanned, 2 the policy or the
// input cannot be read.
int scanJsonl(const char* policy_file, const char* input_file, bool response);
int admin(const AdminArgs& args);
int train(const std::vector<std::string>& data_files, std::uint64_t seed, int epochs,
          std::uint32_t buckets_log2, double learning_rate, std::uint32_t window,
          double origin_balance, const std::string& out_path);
// The adversarial_suffix detector's language model (char_lm.h) from the benign rows of the
// training and calibration splits (never the held-out split, never other files): deterministic.
int trainSuffixModel(const std::vector<std::string>& data_files, const std::string& out_path);
// Prints the report; exit code 0 unless the data or policy cannot be read.
// With leave_one_source_out: trains a model per origin of the data and scores that origin with
// it (eval_sources.cc) instead of scoring a held-out split with the shipped model; scores_out,
// when not empty, receives each scored row as a JSON line (for tuning thresholds offline).
struct EvalOptions {
  std::string split = "test";  // "test": the held-out rows only; "all": every row
  std::size_t misses = 20;     // how many misses of each kind to list
  bool leave_one_source_out = false;
  std::string scores_out;
  bool as_retrieved = false;  // score the rows as retrieved content, not as prompts
};
int eval(const std::vector<std::string>& data_files, const char* policy_file,
         const EvalOptions& options);

}  // namespace aisafe::cli
