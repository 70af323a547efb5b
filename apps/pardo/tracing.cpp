#include "tracing.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <pardo/core/trace.hpp>
#include <pardo/core/trace_summary.hpp>
#include <string>

#include "mpi_session.hpp"
#include "report.hpp"

namespace pardo::cli {

namespace {

/// A trace is written when the run ends: a path that cannot be created is refused before the
/// run starts, rather than after it.
std::string can_create(const std::string& path) {
  if (path.empty() || path == "-") return "'" + path + "': name a file";
  if (launched_as_other_rank()) return {};
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return path + ": cannot create: " + std::strerror(errno);
  ::close(fd);
  return {};
}

}  // namespace

void add_trace_options(CLI::App& app, TraceRequest& request) {
  for (CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    command
        ->add_option_function<std::string>(
            "--trace",
            [&request](const std::string& file) {
              request.path = file;
              if (!trace::recording()) trace::start();
            },
            "Write a trace of the run to FILE (Chrome Trace Event JSON: open it in "
            "ui.perfetto.dev): each worker's tasks, the phases, steals")
        ->type_name("FILE")
        ->check(can_create);
    command->add_flag_callback(
        "--profile",
        [&request] {
          request.profile = true;
          if (!trace::recording()) trace::start();
        },
        "Print on stderr where the time went: each worker's busy, scheduler and idle time, the "
        "imbalance, task durations, and what to change");
  }
}

int finish_trace(const TraceRequest& request, int exit_code) {
  if ((request.path.empty() && !request.profile) || !trace::recording()) return exit_code;
  const trace::Trace recorded = trace::stop();
  // Under mpirun, rank 0's pool has every rank's tasks, timed where they ran.
  if (launched_as_other_rank()) return exit_code;
  if (request.profile) std::fputs(trace::Summary::of(recorded).report().c_str(), stderr);
  if (request.path.empty()) return exit_code;
  try {
    recorded.write(request.path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pardo: --trace: %s\n", e.what());
    return exit_failure;
  }
  return exit_code;
}

}  // namespace pardo::cli
