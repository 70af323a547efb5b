#pragma once
// --trace FILE and --profile on every command: a Chrome Trace Event file of the run, and
// what it means in numbers (pardo::trace, pardo::trace::Summary).

#include <CLI/CLI.hpp>
#include <string>

namespace pardo::cli {

/// What --trace and --profile asked for.
struct TraceRequest {
  std::string path;  ///< --trace FILE; empty if not given
  bool profile = false;
};

/// Adds `--trace FILE` and `--profile` to every command of `app`; recording starts when
/// either is read, before the command runs.
void add_trace_options(CLI::App& app, TraceRequest& request);

/// Ends the recording that `request` started: prints the profile on stderr and writes the
/// trace (under mpirun, rank 0 alone: its pool has every rank's tasks). Returns `exit_code`,
/// or exit_failure after saying why on stderr if the file cannot be written.
int finish_trace(const TraceRequest& request, int exit_code);

}  // namespace pardo::cli
