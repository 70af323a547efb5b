#pragma once
// The batch script `pardo launch` writes: one job of ranks (nodes × tasks per node, each with
// its CPUs) running a command, for Slurm, PBS, LSF or a plain mpirun here.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pardo::cli {

enum class Scheduler { slurm, pbs, lsf, mpirun };

/// One batch job, as `pardo launch`'s options describe it.
struct JobSpec {
  Scheduler scheduler = Scheduler::slurm;
  std::size_t nodes = 1;
  std::size_t tasks_per_node = 1;
  std::size_t cpus_per_task = 1;
  std::string time;       ///< HH:MM:SS, MM:SS or D-HH:MM:SS; empty: the queue's default
  std::string partition;  ///< Slurm partition, PBS or LSF queue; empty: the default
  std::string job_name;
  std::string output;             ///< the job's standard output; empty: the scheduler's default
  std::size_t signal_before = 0;  ///< SIGTERM this many seconds before the limit; 0: none
  bool requeue = false;           ///< run again from the checkpoint after a signal before the limit
  std::vector<std::string> command;  ///< as the job runs it: pardo's path first for pardo's
  std::string version;               ///< pardo's, for the script's first comment
};

/// The seconds `time` stands for; throws UsageError naming it unless it is HH:MM:SS, MM:SS,
/// D-HH:MM:SS or D-HH with minutes and seconds below 60 and a total from 1 s to 365 days.
long time_limit_seconds(std::string_view time);

/// `text` as one word to the shell: as is where it needs no quoting, else in single quotes.
std::string shell_word(std::string_view text);

/// The value of `option` (`--checkpoint FILE` or `--checkpoint=FILE`) in `command`, or empty.
std::string option_value(const std::vector<std::string>& command, std::string_view option);

/// Checks `job` as a whole (a name or partition a script cannot hold, a signal not before the
/// limit, a requeue with no checkpoint to resume from, several ranks for a pardo command that
/// does not run --backend mpi): throws UsageError naming the value.
void check_job(const JobSpec& job, bool pardo_command);

/// The script, to submit as it is (sbatch, qsub, bsub <) or to run with bash (mpirun).
std::string batch_script(const JobSpec& job);

}  // namespace pardo::cli
