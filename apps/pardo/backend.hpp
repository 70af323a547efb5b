#pragma once
// `--backend` and `--workers`, shared by the workload commands: the checks, and running a
// body on the executor they name (under mpirun, on rank 0 while the others serve it).

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <pardo/pardo.hpp>
#include <pardo/workload/run_control.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "checkpointing.hpp"
#include "mpi_session.hpp"
#include "progress.hpp"
#include "report.hpp"

namespace pardo::cli {

struct BackendArgs {
  std::string backend = "threads";
  std::size_t workers = default_workers();
  int retries = 2;            ///< runs again of a block whose worker process died
  double stall_timeout = 10;  ///< seconds without progress before a worker is killed; 0: never
  double task_timeout = 0;    ///< seconds a worker process may spend on one task; 0: no limit
  std::optional<RemoteCall> initializer{};  ///< run in each worker process as it starts
  CheckpointArgs checkpoint{};              ///< --checkpoint and --resume, on the block workloads
  CLI::Option* workers_option = nullptr;
  CLI::Option* retries_option = nullptr;
  CLI::Option* stall_option = nullptr;
};

/// Adds -b/--backend, -w/--workers, --retries and --stall-timeout to `command`.
void add_backend_options(CLI::App& command, BackendArgs& args);

/// Adds -s/--seed: a whole number from 0 to 2^64 - 1 in decimal digits, anything else (-1,
/// 1e3, 2^64) a usage error naming it.
void add_seed_option(CLI::App& command, std::uint64_t& seed);

/// A number in (low, high) (open ends) or [low, high] (closed), finite: anything else a
/// usage error naming the value, as "--alpha: '0' is outside (0, 1)".
CLI::Validator number_in(double low, double high, bool open = true);

/// 0 if the combination is usable; else prints "pardo <command>: ..." naming the value and
/// returns 2 (an unknown backend, serial with workers != 1, no MPI, --retries or
/// --stall-timeout other than on processes). For a command that `runs_on_gpu`, cuda is a
/// backend too and the unknown-backend message names it: refused with 2 where pardo was built
/// without CUDA, or with an option of the CPU backends (--workers, --retries, --stall-timeout,
/// --checkpoint, --resume).
int check_backend(const BackendArgs& args, std::string_view command, bool runs_on_gpu = false);

/// Calls `body(executor, workers)` on the backend `args` names (under MPI, a pool of every
/// rank's threads: --workers per rank, or the CPUs each rank may use); returns false on MPI ranks
/// that must not print (every rank but 0). In `pardo-mpi`, which `pardo` runs for `--backend
/// mpi` alone (hand_over_to_mpi_program), the other backends are refused with a
/// std::invalid_argument: they are `pardo`'s, and compiling every command for them twice
/// doubled the build.
template <class Body>
bool with_backend(const BackendArgs& args, Body&& body) {
#ifdef PARDO_CLI_WITH_MPI
  if (args.backend != "mpi") {
    throw std::invalid_argument("--backend " + args.backend +
                                ": pardo-mpi runs --backend mpi alone; run pardo for the others");
  }
  auto session = std::make_unique<MpiSession>();
  // --workers: threads in each rank; without it, the CPUs each rank may use.
  const bool workers_given = args.workers_option != nullptr && args.workers_option->count() > 0;
  auto pool = std::make_unique<mpi::Pool>(
      session->world(), mpi::PoolOptions{.threads = workers_given ? args.workers : 0});
  const bool prints = session->prints();
  if (pool->is_master()) body(*pool, static_cast<std::size_t>(session->world().size()));
  keep_until_printed(std::move(pool), std::move(session));
  return prints;
#else
  if (args.backend == "serial") {
    SerialExecutor serial;
    body(serial, std::size_t{1});
  } else if (args.backend == "processes") {
    ProcessPool pool(
        args.workers,
        ProcessOptions{.task_timeout = std::chrono::duration<double>(args.task_timeout),
                       .stall_timeout = std::chrono::duration<double>(args.stall_timeout),
                       .initializer = args.initializer});
    body(pool, args.workers);
    // A stopped run has its partial result: the blocks still running need not finish.
    if (stop_requested()) pool.terminate();
  } else {
    ThreadPool pool(args.workers);
    body(pool, args.workers);
  }
  return true;
#endif
}

/// How run_monitored ended.
struct MonitoredRun {
  std::size_t workers = 1;  ///< the workers the backend ran on
  bool prints = true;       ///< false on MPI ranks but 0, and after an error
  int exit_code = 0;        ///< 2 if the workload rejected an argument, its message printed
};

/// Calls `workload(executor, control)` on the backend `args` names while a RunMonitor
/// watches `control.progress`: a progress bar unless `quiet`, Ctrl-C a stop request. Lost
/// blocks are retried (--retries); one that fails for good ends the run with a partial result
/// (RunInfo::failure). With --checkpoint or --resume, `control.checkpoint` is that checkpoint
/// (on rank 0 under MPI), SIGTERM stops the run as Ctrl-C does, so that a batch job's time
/// limit leaves a checkpoint, and it is written once more at the end (close_checkpoint). A
/// std::invalid_argument from the workload (or a checkpoint that cannot be used) prints
/// "pardo <command>: ..." and ends the run with exit code 2.
template <class Workload>
MonitoredRun run_monitored(const BackendArgs& args, std::string_view command, bool quiet,
                           Workload&& workload) {
  MonitoredRun run;
  std::unique_ptr<Checkpoint> checkpoint;
  try {
    run.prints = with_backend(args, [&](auto& executor, std::size_t workers) {
      run.workers = workers;
      checkpoint = open_checkpoint(args.checkpoint);
      if (checkpoint) stop_on_sigterm();
      // optimize says where its solver resumes (a generation, not blocks) itself.
      if (checkpoint && checkpoint->restored() > 0 && !quiet && command != "optimize") {
        // An MCMC chain is kept part-way too: it goes on from its last step kept.
        std::fprintf(stderr, "pardo %.*s: note: resuming from %s: %zu %s\n",
                     static_cast<int>(command.size()), command.data(),
                     args.checkpoint.resume.c_str(), checkpoint->restored(),
                     command == "mcmc" ? "chains kept, each going on from its last step kept"
                                       : "blocks done");
      }
      Progress progress;
      RunMonitor monitor(progress, quiet);
      workload(executor, RunControl{.stop = monitor.stop_token(),
                                    .progress = &progress,
                                    .retries = args.retries,
                                    .on_block_failure = OnBlockFailure::stop,
                                    .checkpoint = checkpoint.get()});
    });
  } catch (const std::invalid_argument& e) {
    print_error("pardo " + std::string(command), e.what());
    return {.workers = run.workers, .prints = false, .exit_code = 2};
  }
  if (checkpoint) close_checkpoint(*checkpoint, command);
  return run;
}

}  // namespace pardo::cli
