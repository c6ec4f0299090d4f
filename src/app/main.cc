// aisafe: one binary, subcommands in src/cli.
#include "cli/commands.h"

int main(int argc, char** argv) { return aisafe::cli::run(argc, argv); }
