#pragma once
// --checkpoint FILE, --checkpoint-every SECONDS and --resume FILE on the block workloads: the
// run's identity taken from the command line, and the pardo::Checkpoint it opens.

#include <CLI/CLI.hpp>
#include <memory>
#include <pardo/workload/checkpoint.hpp>
#include <string>
#include <string_view>

namespace pardo::cli {

/// What --checkpoint, --checkpoint-every and --resume asked for, and the run's identity.
struct CheckpointArgs {
  std::string file;    ///< --checkpoint; empty: none
  double every = 60;   ///< --checkpoint-every, seconds
  std::string resume;  ///< --resume; empty: a fresh run
  /// The command and every option that can change a block's output, as given or by default
  /// (numbers in one spelling: 1e6 and 1000000 are the same run), and the size and CRC-32 of
  /// each input file.
  RunIdentity identity;
};

/// Adds --checkpoint, --checkpoint-every and --resume to `command`, and fills
/// `args.identity` once the command line is parsed.
void add_checkpoint_options(CLI::App& command, CheckpointArgs& args);

/// The checkpoint `args` asks for, or null if none. Throws std::invalid_argument with the
/// message to print (exit 2) for a checkpoint that cannot be written, a --resume file that is
/// missing (unless it is the --checkpoint file: a job's first run), damaged or another run's.
std::unique_ptr<Checkpoint> open_checkpoint(const CheckpointArgs& args);

/// Writes `checkpoint` a last time once the run has ended, stopped or complete (a job run
/// again gets its answer without running a block); if that or an earlier write failed, says
/// why on stderr and has finish_checkpoint() end the command with exit code 3.
void close_checkpoint(Checkpoint& checkpoint, std::string_view command);

/// 3 (exit_failure) if a checkpoint could not be written during the command, which printed
/// its result all the same; `exit_code` otherwise. main() calls it once the command is done.
int finish_checkpoint(int exit_code);

}  // namespace pardo::cli
