// The pardo command-line tool.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <new>
#include <pardo/core/memory.hpp>
#include <pardo/pardo.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "checkpointing.hpp"
#include "child.hpp"
#include "commands.hpp"
#include "help.hpp"
#include "mpi_session.hpp"
#include "parse.hpp"
#include "progress.hpp"
#include "report.hpp"
#include "tracing.hpp"

namespace {

using namespace pardo::cli;

// The subcommand being run, for messages: "pardo bootstrap: ...".
std::string command_of(const CLI::App& app) {
  std::string name;
  for (const CLI::App* command = &app; !command->get_subcommands().empty();) {
    command = command->get_subcommands().front();
    name += " " + command->get_name();
  }
  return "pardo" + name;
}

// CLI11 says "A subcommand is required" before it says which word matched none: name the word
// and the commands there are. Empty where the error was something else.
std::string unknown_command(const CLI::App& app) {
  const CLI::App* command = &app;
  while (!command->get_subcommands().empty()) command = command->get_subcommands().front();
  const std::vector<std::string> extras = command->remaining();
  if (command->get_require_subcommand_min() == 0 || extras.empty() ||
      extras.front().starts_with('-')) {
    return {};
  }
  std::string names;
  for (const CLI::App* sub : command->get_subcommands([](const CLI::App*) { return true; })) {
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  const std::string name = command_of(app);
  return name + ": unknown command '" + extras.front() + "' (the commands are " + names + "; see " +
         name + " --help)\n";
}

// What escaped a command: bad input is a usage error (2), anything else a failure while
// running (3). Either way one line on stderr, never an abort.
int report_error(std::exception_ptr error, const std::string& command) {
  try {
    std::rethrow_exception(error);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: %s\n", command.c_str(), e.what());
    return exit_usage;
  } catch (const std::invalid_argument& e) {
    print_error(command, e.what());
    return exit_usage;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "%s: out of memory (%s)\n", command.c_str(),
                 pardo::describe_memory_limit().c_str());
  } catch (...) {
    std::fprintf(stderr, "%s: failed: %s\n", command.c_str(),
                 pardo::describe(std::current_exception()).c_str());
  }
  return exit_failure;
}

// A result that could not be written is lost: say why and fail, whatever the run did.
int check_output(int exit_code) {
  // errno from whichever flush failed: std::cout writes through stdout's buffer.
  errno = 0;
  std::cout.flush();
  const bool flushed = std::fflush(stdout) == 0;
  if (!flushed || std::ferror(stdout) != 0 || !std::cout) {
    std::fprintf(stderr, "pardo: cannot write the output: %s\n",
                 errno != 0 ? std::strerror(errno) : "write error");
    return exit_failure;
  }
  return exit_code;
}

// No option of pardo takes an empty value, and CLI11 would read `--n2 ''` as not given.
std::string empty_argument(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool inline_empty = arg.starts_with("--") && arg.ends_with("=");
    if (!arg.empty() && !inline_empty) continue;
    const std::string command = argc > 1 && argv[1][0] != '-' ? std::string(" ") + argv[1] : "";
    const std::string_view option = inline_empty ? arg.substr(0, arg.size() - 1)
                                    : i > 1 && std::string_view(argv[i - 1]).starts_with("-")
                                        ? std::string_view(argv[i - 1])
                                        : std::string_view("an argument");
    return "pardo" + command + ": " + std::string(option) + ": '' is empty (see --help)\n";
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  // Before the threads start: the chains' pages go to the diagnostics, not back to the kernel.
  pardo::keep_freed_memory();
  pardo::init(argc, argv);  // a worker process of `--backend processes` stops here
  hand_over_to_mpi_program(argc, argv);
  record_command_line(argc, argv);
  handle_sigint();
  // Every command's --workers defaults to it: a bad PARDO_NUM_WORKERS is a usage error here,
  // before any command is built.
  try {
    static_cast<void>(pardo::default_workers());
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "pardo: %s\n", e.what());
    return exit_usage;
  }
  CLI::App app{"pardo: parallel work from one core to a cluster, with reproducible results"};
  app.set_version_flag("--version", std::string(pardo::version()));
  app.require_subcommand(1);
  app.footer(exit_code_table());
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return "pardo: " + std::string(e.what()) + " (see --help)\n";
  });

  int exit_code = 0;
  add_pi_command(app, exit_code);
  add_integrate_command(app, exit_code);
  add_bootstrap_command(app, exit_code);
  add_permtest_command(app, exit_code);
  add_power_command(app, exit_code);
  add_mcmc_command(app, exit_code);
  add_optimize_command(app, exit_code);
  add_fit_command(app, exit_code);
  add_laplace_command(app, exit_code);
  add_mandelbrot_command(app, exit_code);
  add_info_command(app, exit_code);
  add_tour_command(app, exit_code);
  add_bench_command(app, exit_code);
  add_scale_command(app, exit_code);
  add_launch_command(app, exit_code);
  add_rng_command(app, exit_code);
  TraceRequest trace_request;
  add_trace_options(app, trace_request);
  finish_help(app);

  // Under mpirun every rank parses the same line: rank 0 alone says what is wrong.
  const bool speaks = !launched_as_other_rank();
  if (const std::string empty = empty_argument(argc, argv); !empty.empty()) {
    if (speaks) std::fputs(empty.c_str(), stderr);
    return exit_usage;
  }
  try {
    app.parse(take_trailing_command(argc, argv), argv);
  } catch (const CLI::ParseError& e) {
    if (const std::string unknown = unknown_command(app); !unknown.empty()) {
      if (speaks) std::fputs(unknown.c_str(), stderr);
      exit_code = exit_usage;
    } else {
      const int code = speaks ? app.exit(e) : e.get_exit_code();
      exit_code = code == 0 ? exit_success : exit_usage;
    }
  } catch (...) {
    exit_code = report_error(std::current_exception(), command_of(app));
  }
  exit_code = finish_trace(trace_request, finish_checkpoint(check_output(exit_code)));
  end_mpi_run();
  return exit_code;
}
