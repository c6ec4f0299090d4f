#include "cli/commands.h"

#include <string>

#include <CLI/CLI.hpp>

namespace aisafe::cli {

int run(int argc, char** argv) {
  CLI::App app{"aisafe: checks LLM prompts and answers against your organization's policy"};
  app.require_subcommand(1);

  std::string host;
  int port = -1;
  std::string port_file;
  auto* serve_cmd = app.add_subcommand("serve", "run the HTTP server");
  serve_cmd->add_option("--host", host, "address to listen on (overrides HOST)");
  serve_cmd->add_option("--port", port, "port to listen on, 0 for any (overrides PORT)")
      ->check(CLI::Range(0, 65535));
  serve_cmd->add_option("--port-file", port_file, "write the bound port to this file");

  auto* worker_cmd = app.add_subcommand(
      "worker",
      "run the background jobs (webhook delivery, audit retention) without the HTTP server");

  std::string direction = "up";
  int steps = 1;
  auto* migrate_cmd = app.add_subcommand("migrate", "apply or undo database migrations");
  migrate_cmd->add_option("direction", direction, "up, down or status")
      ->check(CLI::IsMember({"up", "down", "status"}));
  migrate_cmd->add_option("--steps", steps, "with down: how many migrations to undo")
      ->check(CLI::Range(1, 1000));

  std::string policy_file;
  std::string input = "-";
  bool response = false;
  auto* scan_cmd = app.add_subcommand(
      "scan", "scan a text (or JSON lines, --jsonl) offline and print the decision JSON");
  scan_cmd->add_option("--policy", policy_file, "policy JSON file (default: the default policy)");
  scan_cmd->add_flag("--response", response, "scan as a model's answer instead of a prompt");
  auto* input_opt = scan_cmd->add_option("input", input, "file to scan, - for standard input");
  std::string jsonl;
  scan_cmd
      ->add_option("--jsonl", jsonl,
                   "JSON lines {\"text\", \"id\"?, \"source\"?} from FILE or - (standard input); "
                   "one decision or error per line")
      ->excludes(input_opt);

  AdminArgs admin_args;
  auto* admin_cmd = app.add_subcommand("admin", "manage organizations, users and API keys");
  admin_cmd->require_subcommand(1);
  auto* create_org = admin_cmd->add_subcommand("create-org", "create an organization");
  create_org->add_option("--name", admin_args.name, "organization name")->required();
  auto* create_user = admin_cmd->add_subcommand("create-user", "create a user in an organization");
  create_user->add_option("--email", admin_args.email)->required();
  create_user->add_option("--password", admin_args.password)->required();
  create_user->add_option("--org", admin_args.organization, "organization id")->required();
  create_user->add_option("--role", admin_args.role, "viewer, member, admin or owner");
  auto* create_key = admin_cmd->add_subcommand("create-key", "create an API key (printed once)");
  create_key->add_option("--org", admin_args.organization, "organization id")->required();
  create_key->add_option("--name", admin_args.name)->required();
  create_key->add_option("--scopes", admin_args.scopes, "e.g. validate policies:read")->required();
  auto* hash_password = admin_cmd->add_subcommand(
      "hash-password", "print the bcrypt hash of the password read from stdin (BCRYPT_COST)");
  auto* list_keys = admin_cmd->add_subcommand("list-keys", "list an organization's API keys");
  list_keys->add_option("--org", admin_args.organization, "organization id")->required();

  std::vector<std::string> data_files;
  std::uint64_t seed = 1;
  int epochs = 8;
  std::string model_out = "models/injection.bin";
  auto* train_cmd = app.add_subcommand(
      "train", "train the injection classifier on labeled JSON lines (deterministic)");
  train_cmd->add_option("--data", data_files, "JSON lines files (id, text, label, source)")
      ->required()
      ->check(CLI::ExistingFile);
  train_cmd->add_option("--seed", seed, "shuffle seed");
  train_cmd->add_option("--epochs", epochs, "passes over the data")->check(CLI::Range(1, 100));
  train_cmd->add_option("--out", model_out, "model file to write");
  std::uint32_t buckets_log2 = 18;
  double learning_rate = 0.2;
  train_cmd->add_option("--buckets-log2", buckets_log2, "2^N hashed feature buckets")
      ->check(CLI::Range(8, 24));
  train_cmd->add_option("--learning-rate", learning_rate, "AdaGrad step size")
      ->check(CLI::Range(1e-4, 10.0));
  std::uint32_t window = 512;
  train_cmd->add_option("--window", window, "code points per scored window (stride: half)")
      ->check(CLI::Range(16, 1 << 20));
  double origin_balance = 0.0;
  std::string suffix_out;
  train_cmd->add_option("--suffix-out", suffix_out,
                        "train the adversarial_suffix language model instead and write it here");
  train_cmd
      ->add_option("--origin-balance", origin_balance,
                   "0: every row weighs the same; 1: every origin of the data weighs the same")
      ->check(CLI::Range(0.0, 1.0));

  std::string eval_policy;
  EvalOptions eval_options;
  auto* eval_cmd =
      app.add_subcommand("eval", "measure the policy on labeled texts: rules, classifier and both");
  eval_cmd->add_option("--data", data_files, "JSON lines files (id, text, label, source)")
      ->required()
      ->check(CLI::ExistingFile);
  eval_cmd->add_option("--policy", eval_policy, "policy JSON file (default: the default policy)");
  eval_cmd->add_option("--split", eval_options.split, "test: the held-out rows only; all: every row")
      ->check(CLI::IsMember({"test", "all"}));
  eval_cmd->add_option("--misses", eval_options.misses, "how many misses of each kind to list");
  eval_cmd->add_flag("--leave-one-source-out", eval_options.leave_one_source_out,
                     "train a model per origin of the data on all the others and score that "
                     "origin with it");
  eval_cmd->add_option("--scores-out", eval_options.scores_out,
                       "with --leave-one-source-out: write every scored row as a JSON line "
                       "(id, origin, label, probability, rules_block, blocked, flagged)");
  eval_cmd->add_flag("--as-retrieved", eval_options.as_retrieved,
                     "score the texts as retrieved content (\"source\": \"retrieved\"), where "
                     "the indirect-injection rules also run");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (*serve_cmd) {
    return serve(host.empty() ? nullptr : host.c_str(), port, port_file.c_str());
  }
  if (*migrate_cmd) {
    return migrate(direction.c_str(), steps);
  }
  if (*worker_cmd) {
    return worker();
  }
  if (*train_cmd && !suffix_out.empty()) {
    return trainSuffixModel(data_files, suffix_out);
  }
  if (*train_cmd) {
    return train(data_files, seed, epochs, buckets_log2, learning_rate, window, origin_balance,
                 model_out);
  }
  if (*eval_cmd) {
    return eval(data_files, eval_policy.empty() ? nullptr : eval_policy.c_str(), eval_options);
  }
  if (*admin_cmd) {
    for (auto* sub : {create_org, create_user, create_key, list_keys, hash_password}) {
      if (*sub) {
        admin_args.action = sub->get_name();
      }
    }
    return admin(admin_args);
  }
  if (!jsonl.empty()) {
    return scanJsonl(policy_file.empty() ? nullptr : policy_file.c_str(), jsonl.c_str(), response);
  }
  return scan(policy_file.empty() ? nullptr : policy_file.c_str(), input.c_str(), response);
}

}  // namespace aisafe::cli
