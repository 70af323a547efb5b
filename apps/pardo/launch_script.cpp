#include "launch_script.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <charconv>

#include "parse.hpp"

namespace pardo::cli {

namespace {

constexpr long max_time_limit = 365L * 24 * 3600;

/// Reads the whole of `text` as a number of at most `most`; -1 if it is not one.
long whole_number(std::string_view text, long most) {
  long value = -1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value > most) {
    return -1;
  }
  return value;
}

std::string hh_mm_ss(long seconds) {
  return fmt::format("{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
}

std::size_t ranks(const JobSpec& job) { return job.nodes * job.tasks_per_node; }

/// The command as the job runs it: a checkpointed pardo command also resumes from its
/// checkpoint, so that a requeued or resubmitted job goes on where the last one stopped.
std::string command_line(const JobSpec& job) {
  std::string line;
  for (const auto& word : job.command) line += (line.empty() ? "" : " ") + shell_word(word);
  const std::string checkpoint = option_value(job.command, "--checkpoint");
  if (!checkpoint.empty() && option_value(job.command, "--resume").empty()) {
    line += " --resume " + shell_word(checkpoint);
  }
  return line;
}

/// `timeout` sends SIGTERM `signal_before` seconds before the limit, where the scheduler has
/// no such signal of its own; --preserve-status keeps the run's exit code (130 if stopped).
std::string timeout_prefix(const JobSpec& job) {
  if (job.signal_before == 0 || job.time.empty()) return {};
  const long run_for = time_limit_seconds(job.time) - static_cast<long>(job.signal_before);
  return fmt::format("timeout --preserve-status --signal=TERM --kill-after=60 {} ", run_for);
}

std::string header(const JobSpec& job) {
  return "#!/bin/bash\n# Written by pardo launch (pardo " + job.version + ") to run:\n#   " +
         command_line(job) + "\n";
}

std::string slurm_script(const JobSpec& job) {
  std::string s = header(job);
  const auto directive = [&s](const std::string& d) { s += "#SBATCH " + d + "\n"; };
  if (!job.job_name.empty()) directive("--job-name=" + job.job_name);
  directive(fmt::format("--nodes={}", job.nodes));
  directive(fmt::format("--ntasks-per-node={}", job.tasks_per_node));
  directive(fmt::format("--cpus-per-task={}", job.cpus_per_task));
  if (!job.time.empty()) directive("--time=" + hh_mm_ss(time_limit_seconds(job.time)));
  if (!job.partition.empty()) directive("--partition=" + job.partition);
  directive("--output=" + (job.output.empty() ? std::string("pardo-%j.out") : job.output));
  if (job.signal_before > 0) directive(fmt::format("--signal=TERM@{}", job.signal_before));
  directive(job.requeue ? "--requeue" : "--no-requeue");
  // srun takes --cpus-per-task from sbatch no more (Slurm 22.05); Debian's Open MPI finds its
  // ranks through PMIx.
  const bool mpi = option_value(job.command, "--backend") == "mpi";
  const std::string srun =
      fmt::format("srun --cpus-per-task={}{} ", job.cpus_per_task, mpi ? " --mpi=pmix" : "");
  if (!job.requeue) return s + srun + command_line(job) + "\n";
  return s +
         "# pardo launch's Ctrl-C sends USR1 here before it stops the run: a run the user\n"
         "# stopped is not requeued; one stopped by the signal before the limit is.\n"
         "cancelled=0\n"
         "trap 'cancelled=1' USR1\n" +
         srun + command_line(job) +
         "\n"
         "status=$?\n"
         "if [ \"$status\" -eq 130 ] && [ \"$cancelled\" -eq 0 ]; then\n"
         "  scontrol requeue \"$SLURM_JOB_ID\" && exit 0\n"
         "fi\n"
         "exit \"$status\"\n";
}

/// Open MPI's mpirun: in an allocation (`per_node`) T ranks a node with C cores each; here,
/// C cores a rank where C > 1. `timed`: with timeout_prefix().
std::string mpirun_line(const JobSpec& job, bool per_node, bool timed) {
  std::string map;
  if (per_node) {
    map = fmt::format(" --map-by ppr:{}:node:PE={}", job.tasks_per_node, job.cpus_per_task);
  } else if (job.cpus_per_task > 1) {
    map = fmt::format(" --map-by slot:PE={}", job.cpus_per_task);
  }
  return (timed ? timeout_prefix(job) : std::string()) +
         fmt::format("mpirun -np {}{} ", ranks(job), map) + command_line(job);
}

std::string pbs_script(const JobSpec& job) {
  std::string s = header(job);
  const auto directive = [&s](const std::string& d) { s += "#PBS " + d + "\n"; };
  if (!job.job_name.empty()) directive("-N " + job.job_name);
  directive(fmt::format("-l select={}:ncpus={}:mpiprocs={}:ompthreads={}", job.nodes,
                        job.tasks_per_node * job.cpus_per_task, job.tasks_per_node,
                        job.cpus_per_task));
  if (job.nodes > 1) directive("-l place=scatter");
  if (!job.time.empty()) directive("-l walltime=" + hh_mm_ss(time_limit_seconds(job.time)));
  if (!job.partition.empty()) directive("-q " + job.partition);
  if (!job.output.empty()) directive("-o " + job.output);
  directive("-j oe");
  directive(job.requeue ? "-r y" : "-r n");
  s += "cd \"$PBS_O_WORKDIR\" || exit 1\n" + mpirun_line(job, true, true) + "\n";
  // PBS Pro requeues a job whose script exits with 99.
  if (job.requeue) s += "status=$?\n[ \"$status\" -eq 130 ] && exit 99\nexit \"$status\"\n";
  return s;
}

std::string lsf_script(const JobSpec& job) {
  std::string s = header(job);
  const auto directive = [&s](const std::string& d) { s += "#BSUB " + d + "\n"; };
  if (!job.job_name.empty()) directive("-J " + job.job_name);
  directive(fmt::format("-n {}", ranks(job)));
  directive(fmt::format("-R \"span[ptile={}] affinity[core({})]\"", job.tasks_per_node,
                        job.cpus_per_task));
  if (!job.time.empty()) {
    const long minutes = (time_limit_seconds(job.time) + 59) / 60;
    directive(fmt::format("-W {}:{:02}", minutes / 60, minutes % 60));
  }
  if (!job.partition.empty()) directive("-q " + job.partition);
  directive("-o " + (job.output.empty() ? std::string("pardo-%J.out") : job.output));
  // LSF's warning action: SIGTERM, in whole minutes before the limit.
  if (job.signal_before > 0) {
    directive(fmt::format("-wa TERM -wt {}", (job.signal_before + 59) / 60));
  }
  if (job.requeue) directive("-Q \"130\"");
  return s + mpirun_line(job, true, false) + "\n";
}

std::string local_script(const JobSpec& job) {
  std::string line = mpirun_line(job, false, true);
  if (!job.output.empty()) line += " > " + shell_word(job.output);
  return header(job) + line + "\n";
}

bool safe_name(std::string_view name) {
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

}  // namespace

long time_limit_seconds(std::string_view time) {
  const auto bad = [time] {
    return UsageError("--time '" + std::string(time) +
                      "': expected HH:MM:SS, MM:SS or D-HH:MM:SS, from 1 second to 365 days");
  };
  long days = 0;
  std::string_view rest = time;
  if (const std::size_t dash = rest.find('-'); dash != std::string_view::npos) {
    days = whole_number(rest.substr(0, dash), 365);
    rest.remove_prefix(dash + 1);
    if (days < 0) throw bad();
  }
  std::vector<long> parts;
  for (;;) {
    const std::size_t colon = rest.find(':');
    parts.push_back(whole_number(rest.substr(0, colon), max_time_limit));
    if (parts.back() < 0 || parts.size() > 3) throw bad();
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  long seconds = 0;
  if (time.find('-') != std::string_view::npos) {
    // D-HH, D-HH:MM or D-HH:MM:SS
    parts.resize(3, 0);
  } else if (parts.size() == 2) {
    parts.insert(parts.begin(), 0);  // MM:SS
  } else if (parts.size() != 3) {
    throw bad();
  }
  if (parts[1] >= 60 || parts[2] >= 60 || (days > 0 && parts[0] >= 24)) throw bad();
  seconds = days * 86400 + parts[0] * 3600 + parts[1] * 60 + parts[2];
  if (seconds < 1 || seconds > max_time_limit) throw bad();
  return seconds;
}

std::string shell_word(std::string_view text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("-_./=:,+@%").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(text);
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string option_value(const std::vector<std::string>& command, std::string_view option) {
  const std::string inline_prefix = std::string(option) + "=";
  for (std::size_t i = 0; i < command.size(); ++i) {
    if (command[i] == option && i + 1 < command.size()) return command[i + 1];
    if (command[i].starts_with(inline_prefix)) return command[i].substr(inline_prefix.size());
  }
  return {};
}

void check_job(const JobSpec& job, bool pardo_command) {
  if (!safe_name(job.job_name)) {
    throw UsageError("--job-name '" + job.job_name +
                     "': use letters, digits, '-', '_' and '.' only");
  }
  if (!safe_name(job.partition)) {
    throw UsageError("--partition '" + job.partition +
                     "': use letters, digits, '-', '_' and '.' only");
  }
  if (job.output.find('\n') != std::string::npos) {
    throw UsageError("--output: a file name with a line break cannot go in a batch script");
  }
  const long limit = job.time.empty() ? 0 : time_limit_seconds(job.time);
  if (job.signal_before > 0 && limit > 0 && static_cast<long>(job.signal_before) >= limit) {
    throw UsageError(fmt::format("--signal-before {}: not less than the time limit ({} s)",
                                 job.signal_before, limit));
  }
  if (job.signal_before > 0 && limit == 0 && job.scheduler != Scheduler::slurm &&
      job.scheduler != Scheduler::lsf) {
    throw UsageError(fmt::format("--signal-before {}: needs --time, to know when the limit comes",
                                 job.signal_before));
  }
  if (job.requeue && option_value(job.command, "--checkpoint").empty()) {
    throw UsageError(
        "--requeue: the command has no --checkpoint FILE, so a requeued job would start from "
        "zero");
  }
  if (job.requeue && job.scheduler == Scheduler::mpirun) {
    throw UsageError("--requeue: needs a batch scheduler (slurm, pbs or lsf), not mpirun");
  }
  if (job.scheduler == Scheduler::mpirun && job.nodes > 1) {
    throw UsageError(fmt::format(
        "--nodes {}: --scheduler mpirun runs here, on one node; use slurm, pbs or lsf", job.nodes));
  }
  if (pardo_command && ranks(job) > 1 && option_value(job.command, "--backend") != "mpi") {
    throw UsageError(fmt::format(
        "the job runs {} tasks, but the command has no --backend mpi: each task would run the "
        "whole command on its own",
        ranks(job)));
  }
}

std::string batch_script(const JobSpec& job) {
  switch (job.scheduler) {
    case Scheduler::slurm:
      return slurm_script(job);
    case Scheduler::pbs:
      return pbs_script(job);
    case Scheduler::lsf:
      return lsf_script(job);
    case Scheduler::mpirun:
      break;
  }
  return local_script(job);
}

}  // namespace pardo::cli
