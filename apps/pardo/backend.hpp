#pragma once
// `--backend` and `--workers`, shared by the workload commands: the checks, and running a
// body on the executor they name (under mpirun, on rank 0 while the others serve it).

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdio>
#include <pardo/pardo.hpp>
#include <string>
#include <string_view>

#include "mpi_session.hpp"

namespace pardo::cli {

struct BackendArgs {
  std::string backend = "threads";
  std::size_t workers = detail::hardware_workers();
  CLI::Option* workers_option = nullptr;
};

/// Adds -b/--backend and -w/--workers to `command`.
void add_backend_options(CLI::App& command, BackendArgs& args);

/// 0 if the combination is usable; else prints "pardo <command>: ..." naming the value and
/// returns 2 (an unknown backend, serial with workers != 1, --workers under mpi, no MPI).
int check_backend(const BackendArgs& args, std::string_view command);

/// Calls `body(executor, workers)` on the backend `args` names; returns false on MPI ranks
/// that must not print (every rank but 0).
template <class Body>
bool with_backend(const BackendArgs& args, Body&& body) {
#ifdef PARDO_CLI_WITH_MPI
  if (args.backend == "mpi") {
    MpiSession session;
    mpi::Pool pool(session.world());
    if (pool.is_master()) body(pool, static_cast<std::size_t>(session.world().size()));
    return session.prints();
  }
#endif
  if (args.backend == "serial") {
    SerialExecutor serial;
    body(serial, std::size_t{1});
  } else if (args.backend == "processes") {
    ProcessPool pool(args.workers);
    body(pool, args.workers);
  } else {
    ThreadPool pool(args.workers);
    body(pool, args.workers);
  }
  return true;
}

}  // namespace pardo::cli
