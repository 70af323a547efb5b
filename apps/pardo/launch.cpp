// `pardo launch --scheduler slurm|pbs|lsf|mpirun ... -- COMMAND ARGS...`: writes the batch script
// for a job of ranks running COMMAND (a pardo command, or any program), submits it, follows a
// Slurm job with a progress line until it ends and prints its output; `--detach` prints the
// job id instead, `--dry-run` the script.
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <pardo/pardo.hpp>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "child.hpp"
#include "commands.hpp"
#include "launch_script.hpp"
#include "parse.hpp"
#include "progress.hpp"
#include "report.hpp"

namespace pardo::cli {

namespace {

struct LaunchArgs {
  JobSpec job;
  std::string scheduler = "slurm";
  std::string script;  ///< --script: keep the script there
  bool dry_run = false;
  bool detach = false;
  bool quiet = false;
  double poll = 5;
};

const std::map<std::string, Scheduler> schedulers{{"slurm", Scheduler::slurm},
                                                  {"pbs", Scheduler::pbs},
                                                  {"lsf", Scheduler::lsf},
                                                  {"mpirun", Scheduler::mpirun}};

/// Writes `text` to `path`; throws std::runtime_error with the system's reason.
void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    throw std::runtime_error("cannot write the script to " + path + ": " + std::strerror(errno));
  }
}

/// The script in a file of its own for the submission, removed once submitted unless it is
/// --script's.
class ScriptFile {
 public:
  ScriptFile(const std::string& keep_at, const std::string& text) {
    if (!keep_at.empty()) {
      path_ = keep_at;
      write_file(path_, text);
      return;
    }
    const char* dir = std::getenv("TMPDIR");
    std::string name =
        std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/pardo-launch-XXXXXX.sh";
    const int fd = ::mkstemps(name.data(), 3);
    if (fd < 0) {
      throw std::runtime_error("cannot make a temporary script " + name + ": " +
                               std::strerror(errno));
    }
    ::close(fd);
    path_ = name;
    temporary_ = true;
    write_file(path_, text);
  }
  ScriptFile(const ScriptFile&) = delete;
  ScriptFile& operator=(const ScriptFile&) = delete;
  ~ScriptFile() {
    if (temporary_) std::remove(path_.c_str());
  }
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  bool temporary_ = false;
};

void need_tool(const std::string& tool, const std::string& scheduler) {
  if (!on_path(tool)) {
    throw UsageError("--scheduler " + scheduler + ": " + tool +
                     " is not on PATH (run it where jobs are submitted; --dry-run prints the "
                     "script)");
  }
}

/// The job's program: pardo's own path for one of its commands, so that the job runs this
/// pardo whatever the nodes' PATH says.
std::vector<std::string> job_command(const CLI::App& pardo, std::vector<std::string> command,
                                     bool& pardo_command) {
  pardo_command = false;
  for (const CLI::App* sub : pardo.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == command.front()) pardo_command = true;
  }
  if (pardo_command) {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    command.insert(command.begin(), ec ? std::string("pardo") : self.string());
  }
  return command;
}

/// One `key=value` field of `scontrol show job -o`; empty if absent.
std::string field(const std::string& record, const std::string& key) {
  const std::regex pattern("(^| )" + key + "=([^ \\n]*)");
  std::smatch match;
  return std::regex_search(record, match, pattern) ? match[2].str() : std::string();
}

struct JobState {
  std::string state;  ///< Slurm's: PENDING, RUNNING, COMPLETED, ...; empty: unknown
  std::string run_time;
  std::string restarts;
  std::string output;     ///< the job's standard output file
  std::string exit_code;  ///< "code:signal"
};

JobState query(const std::string& id) {
  JobState s;
  const ChildRun shown = run_child("scontrol", {"scontrol", "show", "job", "-o", id}, true, true);
  if (shown.exit_code == 0) {
    s.state = field(shown.out, "JobState");
    s.run_time = field(shown.out, "RunTime");
    s.restarts = field(shown.out, "Restarts");
    s.output = field(shown.out, "StdOut");
    s.exit_code = field(shown.out, "ExitCode");
    return s;
  }
  // Gone from the controller's memory (MinJobAge): accounting, where there is one.
  if (on_path("sacct")) {
    const ChildRun acct = run_child(
        "sacct", {"sacct", "-n", "-X", "-P", "-j", id, "-o", "State,ExitCode"}, true, true);
    const std::size_t bar = acct.out.find('|');
    if (acct.exit_code == 0 && bar != std::string::npos) {
      s.state = acct.out.substr(0, acct.out.find(' ') < bar ? acct.out.find(' ') : bar);
      s.exit_code = acct.out.substr(bar + 1, acct.out.find('\n') - bar - 1);
    }
  }
  return s;
}

bool finished(const std::string& state) {
  static const std::vector<std::string> ends{"COMPLETED", "FAILED",    "CANCELLED",     "TIMEOUT",
                                             "NODE_FAIL", "PREEMPTED", "OUT_OF_MEMORY", "BOOT_FAIL",
                                             "DEADLINE",  "REVOKED"};
  for (const auto& end : ends) {
    if (state == end) return true;
  }
  return false;
}

/// The exit code a finished job gives `pardo launch`: its script's, where it ended by itself
/// (pardo's 0, 2, 3 or 130); 130 for a job this command stopped; else 3, saying why.
int job_exit_code(const std::string& id, const JobState& s, bool stopped) {
  const std::size_t colon = s.exit_code.find(':');
  const int code = std::atoi(s.exit_code.substr(0, colon).c_str());
  const int signal = colon == std::string::npos ? 0 : std::atoi(s.exit_code.c_str() + colon + 1);
  if (s.state == "COMPLETED") return exit_success;
  if (stopped && (s.state == "CANCELLED" || s.state == "FAILED")) return exit_interrupted;
  if (s.state == "FAILED" && signal == 0 && code != 0) return code;
  std::fprintf(stderr, "pardo launch: job %s ended %s%s\n", id.c_str(),
               s.state.empty() ? "in a state Slurm no longer reports" : s.state.c_str(),
               s.state == "TIMEOUT" ? " (its time limit)" : "");
  return exit_failure;
}

/// Prints the job's standard output, as the command would have printed it here.
void print_output(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "pardo launch: cannot read the job's output %s: %s\n", path.c_str(),
                 std::strerror(errno));
    return;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

/// Ctrl-C: SIGTERM to the run, which stops as on Ctrl-C and prints its partial result; first,
/// for a requeueing script, USR1 to its shell, so that a job the user stopped is not requeued.
void stop_job(const std::string& id, bool requeue) {
  if (requeue) run_child("scancel", {"scancel", "--batch", "--signal=USR1", id}, true, true);
  run_child("scancel", {"scancel", "--signal=TERM", id}, true, true);
  std::fprintf(stderr, "\npardo launch: stopping job %s (Ctrl-C again leaves it to stop)\n",
               id.c_str());
}

int follow_slurm(const std::string& id, const LaunchArgs& args) {
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  std::string shown;
  bool stopped = false;
  int unknown = 0;
  for (;;) {
    if (stop_requested() && !stopped) {
      stop_job(id, args.job.requeue);
      stopped = true;
    }
    const JobState s = query(id);
    if (finished(s.state) || (s.state.empty() && ++unknown > 3)) {
      if (!args.quiet && tty) std::fputs("\r\033[K", stderr);
      if (!s.output.empty()) print_output(s.output);
      return job_exit_code(id, s, stopped);
    }
    if (!args.quiet && !s.state.empty()) {
      std::string line = "pardo launch: job " + id + " " + s.state;
      if (s.state != "PENDING") line += " " + s.run_time;
      if (!s.restarts.empty() && s.restarts != "0") line += ", restarts " + s.restarts;
      if (tty) {
        std::fprintf(stderr, "\r\033[K%s", line.c_str());
      } else if (s.state != shown) {
        std::fprintf(stderr, "%s\n", line.c_str());
      }
      shown = s.state;
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(args.poll));
  }
}

/// Submits the script; the job id the scheduler gave.
std::string submit(const LaunchArgs& args, const std::string& script) {
  const std::map<Scheduler, std::vector<std::string>> tools{
      {Scheduler::slurm, {"sbatch", "sbatch", "--parsable", script}},
      {Scheduler::pbs, {"qsub", "qsub", script}},
      {Scheduler::lsf, {"sh", "sh", "-c", "bsub < \"$1\"", "sh", script}}};
  const auto& tool = tools.at(args.job.scheduler);
  need_tool(args.job.scheduler == Scheduler::lsf ? "bsub" : tool[0], args.scheduler);
  const ChildRun run = run_child(tool[0], {tool.begin() + 1, tool.end()}, false, true);
  std::string id = run.out.substr(0, run.out.find_first_of(";\n"));
  if (args.job.scheduler == Scheduler::lsf) {
    std::smatch match;
    id = std::regex_search(run.out, match, std::regex("<([0-9]+)>")) ? match[1].str() : "";
  }
  if (run.exit_code != 0 || id.empty()) {
    throw std::runtime_error(fmt::format("{} refused the job (exit {}){}", tool[1], run.exit_code,
                                         run.out.empty() ? "" : ": " + run.out));
  }
  return id;
}

int run_launch(LaunchArgs& args, const CLI::App& pardo) {
  args.job.scheduler = schedulers.at(args.scheduler);
  bool pardo_command = false;
  args.job.command = job_command(pardo, args.job.command, pardo_command);
  if (args.job.job_name.empty()) {
    args.job.job_name =
        "pardo-" + std::filesystem::path(args.job.command.front()).filename().string();
    if (pardo_command) args.job.job_name = "pardo-" + args.job.command[1];
  }
  check_job(args.job, pardo_command);
  const std::string text = batch_script(args.job);
  if (args.dry_run) {
    if (!args.script.empty()) write_file(args.script, text);
    std::fputs(text.c_str(), stdout);
    return exit_success;
  }
  if (args.job.scheduler == Scheduler::mpirun) {
    need_tool("mpirun", args.scheduler);
    const ScriptFile file(args.script, text);
    const ChildRun run = run_child("bash", {"bash", file.path()});
    std::fwrite(run.out.data(), 1, run.out.size(), stdout);
    return run.exit_code;
  }
  const ScriptFile file(args.script, text);
  const std::string id = submit(args, file.path());
  if (args.detach || args.job.scheduler != Scheduler::slurm) {
    std::printf("%s\n", id.c_str());
    if (args.job.scheduler != Scheduler::slurm && !args.quiet) {
      std::fprintf(stderr, "pardo launch: job %s submitted; pardo follows Slurm jobs only\n",
                   id.c_str());
    }
    return exit_success;
  }
  return follow_slurm(id, args);
}

}  // namespace

void add_launch_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<LaunchArgs>();
  auto* launch = app.add_subcommand(
      "launch",
      "Write a batch job for a command (Slurm, PBS, LSF or mpirun here), submit it, follow it "
      "and print its result");
  launch->add_option("--scheduler", args->scheduler, "Where the job runs")
      ->type_name("slurm|pbs|lsf|mpirun")
      ->capture_default_str()
      ->check(CLI::IsMember({"slurm", "pbs", "lsf", "mpirun"}));
  launch->add_option("--nodes", args->job.nodes, "Nodes")
      ->type_name("COUNT")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  launch->add_option("--tasks-per-node", args->job.tasks_per_node, "MPI ranks on each node")
      ->type_name("COUNT")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{4096}));
  launch
      ->add_option("--cpus-per-task", args->job.cpus_per_task,
                   "CPUs of each rank: its threads under --backend mpi")
      ->type_name("COUNT")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{4096}));
  launch->add_option("--time", args->job.time, "Time limit (default: the queue's)")
      ->type_name("HH:MM:SS");
  launch->add_option("--partition", args->job.partition, "Slurm partition, PBS or LSF queue")
      ->type_name("NAME");
  launch->add_option("--job-name", args->job.job_name, "The job's name (default pardo-COMMAND)")
      ->type_name("NAME");
  launch
      ->add_option("-o,--output", args->job.output,
                   "The job's standard output (default: pardo-JOBID.out for Slurm and LSF)")
      ->type_name("FILE");
  auto* signal_before =
      launch
          ->add_option("--signal-before", args->job.signal_before,
                       "SIGTERM this many seconds before the time limit, so that the run stops "
                       "with its checkpoint written (default with --checkpoint: 120, or half a "
                       "limit under 4 minutes; 0: none)")
          ->type_name("SECONDS")
          ->check(CLI::Range(std::size_t{0}, std::size_t{86400}));
  launch->add_flag("--requeue", args->job.requeue,
                   "Requeue the job when the signal before the limit stopped it; it resumes "
                   "from the command's --checkpoint");
  launch->add_option("--script", args->script, "Keep the batch script in FILE")->type_name("FILE");
  launch->add_flag("--dry-run", args->dry_run, "Print the batch script; submit nothing");
  launch->add_flag("--detach", args->detach, "Print the job id once submitted; do not follow");
  launch->add_option("--poll", args->poll, "Seconds between looks at the job")
      ->type_name("SECONDS")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 3600.0));
  launch->add_flag("-q,--quiet", args->quiet, "No progress line");
  launch->callback([&exit_code, &app, args, signal_before] {
    args->job.command = trailing_command();
    if (args->job.command.empty()) {
      throw UsageError(
          "name the command to run after --: pardo launch --nodes 2 -- pi --backend mpi");
    }
    // CLI11's range check lets NaN through: every comparison with it is false.
    if (std::isnan(args->poll)) throw UsageError("--poll: 'nan' is not a number of seconds");
    args->job.version = std::string(pardo::version());
    // PBS and mpirun here have no signal of their own: `timeout` needs the limit.
    const bool can_signal =
        !args->job.time.empty() || args->scheduler == "slurm" || args->scheduler == "lsf";
    if (signal_before->count() == 0 && can_signal &&
        !option_value(args->job.command, "--checkpoint").empty()) {
      const long limit = args->job.time.empty() ? 0 : time_limit_seconds(args->job.time);
      args->job.signal_before =
          limit > 0 && limit < 240 ? static_cast<std::size_t>(limit / 2) : 120;
    }
    accept_stop_requests();
    exit_code = run_launch(*args, app);
  });
}

}  // namespace pardo::cli
