#pragma once
// Running another program from a command: pardo itself for `scale`, the batch system's tools
// (sbatch, squeue, scontrol) and the job's script for `launch`.

#include <string>
#include <vector>

namespace pardo::cli {

/// How a child ended and what it printed.
struct ChildRun {
  int exit_code = 0;  ///< 128 + signal for a child a signal ended
  std::string out;    ///< its standard output
  double wall_seconds = 0;
};

/// Runs `program` (looked up on PATH unless it names a path) with `argv` (argv[0] first), its
/// standard output captured and its standard error the user's, or discarded where
/// `silent`. Unless `keep_running`, a stop request (Ctrl-C, or SIGTERM on a checkpointed run) is
/// passed on to the child as SIGINT. Throws std::runtime_error, with the system's reason, if it
/// cannot start.
ChildRun run_child(const std::string& program, const std::vector<std::string>& argv,
                   bool silent = false, bool keep_running = false);

/// Whether `program` is an executable file in a directory of PATH.
bool on_path(const std::string& program);

/// What follows `--` on a `scale` or `launch` command line, kept from CLI11, which would read
/// the command's own options ("pi", "-5") as the tool's.
std::vector<std::string>& trailing_command();

/// For `pardo scale|launch ... -- COMMAND ARGS...`: keeps COMMAND ARGS... in
/// trailing_command() and returns how many arguments CLI11 is to parse (those before `--`);
/// for any other command line, argc.
int take_trailing_command(int argc, char** argv);

}  // namespace pardo::cli
