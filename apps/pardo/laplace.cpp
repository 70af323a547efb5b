// `pardo laplace`: Laplace's equation by Jacobi iteration, serially, on threads or on MPI
// ranks, with the same iterates on each.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <pardo/core/memory.hpp>
#include <pardo/pardo.hpp>
#include <pardo/pde/laplace.hpp>
#include <stdexcept>
#include <string>

#include "backend.hpp"
#include "commands.hpp"
#include "mpi_session.hpp"
#include "outputs.hpp"
#include "progress.hpp"
#include "report.hpp"

#ifdef PARDO_CLI_WITH_MPI
#include <pardo/pde/laplace_mpi.hpp>
#endif

namespace pardo::cli {

namespace {

struct LaplaceArgs {
  pde::LaplaceOptions options;
  std::string backend = "threads";
  std::size_t workers = default_workers();
  bool workers_given = false;
  bool json = false;
  std::string output;
  std::string save_field;
};

void print_result(const LaplaceArgs& args, const pde::LaplaceResult& r) {
  const pde::LaplaceOptions& o = args.options;
  if (args.json) {
    nlohmann::json out = {{"nx", o.nx},
                          {"ny", o.ny},
                          {"tolerance", o.tol},
                          {"iterations", r.iterations},
                          {"residual", r.residual},
                          {"max_error", r.max_error},
                          {"converged", r.converged},
                          {"seconds_per_iteration", r.seconds_per_iteration}};
    add_run(out, "laplace", r.run, std::nullopt);
    std::cout << out.dump() << std::endl;
    return;
  }
  const char* unit = r.run.backend == "mpi" ? "rank" : "worker";
  std::printf(
      "pardo laplace: u = x^2 - y^2 on the unit square, %zu x %zu grid, tol %g, %s (%zu %s%s)\n",
      o.nx, o.ny, o.tol, r.run.backend.c_str(), r.run.workers, unit, r.run.workers == 1 ? "" : "s");
  if (r.converged) {
    std::printf("  iterations    %zu (converged)\n", r.iterations);
  } else if (!r.run.complete) {
    std::printf("  iterations    %zu (interrupted: not converged)\n", r.iterations);
  } else {
    std::printf("  iterations    %zu (NOT converged: --max-iterations reached)\n", r.iterations);
  }
  std::printf("  residual      %.6g\n", r.residual);
  std::printf("  max error     %.6g\n", r.max_error);
  std::printf("  time          %.3f s  (%.4g us per iteration)\n", r.run.seconds,
              r.seconds_per_iteration * 1e6);
  std::fflush(stdout);
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "pardo laplace: %s\n", message.c_str());
  return 2;
}

// pde::validate's bound on the grid (2^31 points), naming the options; empty if it holds.
std::string grid_error(const pde::LaplaceOptions& o) {
  constexpr std::size_t max_points = std::size_t{1} << 31;
  if (o.nx <= max_points / o.ny) return {};
  return "--nx " + std::to_string(o.nx) + " x --ny " + std::to_string(o.ny) +
         ": the grid is too large (at most 2^31 points)";
}

int save(const LaplaceArgs& args, const pde::LaplaceResult& r) {
  if (args.save_field.empty()) return 0;
  return save_field(args.save_field, r.grid, args.options.nx, args.options.ny, "--save-field",
                    "laplace");
}

int run_laplace(const LaplaceArgs& args) {
  if (args.backend != "serial" && args.backend != "threads" && args.backend != "mpi") {
    return usage_error("--backend: unknown backend '" + args.backend +
                       "' (serial, threads or mpi)");
  }
  if (args.backend == "serial" && args.workers_given && args.workers != 1) {
    return usage_error("--backend serial runs on 1 worker, not " + std::to_string(args.workers));
  }
  if (args.backend == "mpi" && args.workers_given) {
    return usage_error("--workers " + std::to_string(args.workers) +
                       ": not with --backend mpi (mpirun -np sets the ranks)");
  }

  if (args.backend == "mpi") {
#ifdef PARDO_CLI_WITH_MPI
    MpiSession session;
    if (const std::string error = grid_error(args.options); !error.empty()) {
      if (session.prints()) std::fprintf(stderr, "pardo laplace: %s\n", error.c_str());
      return 2;
    }
    pde::LaplaceResult r;
    try {
      r = pde::solve_laplace(session.world(), args.options);
    } catch (const std::invalid_argument& e) {
      // Every rank throws alike; one message is enough.
      if (session.prints()) std::fprintf(stderr, "pardo %s\n", e.what());
      return 2;
    }
    if (!session.prints()) return r.converged ? 0 : 1;
    print_result(args, r);
    if (const int code = save(args, r); code != 0) return code;
    return r.converged ? 0 : 1;
#else
    return mpi_not_compiled_in("laplace");
#endif
  }

  if (const std::string error = grid_error(args.options); !error.empty()) {
    return usage_error(error);
  }
  // Here one process holds the whole grid, twice (on MPI each rank holds its rows).
  const double grid_bytes = 2.0 * static_cast<double>(args.options.nx) *
                            static_cast<double>(args.options.ny) * sizeof(double);
  if (const auto why = memory_shortfall(grid_bytes, "two copies of the grid")) {
    return usage_error("--nx " + std::to_string(args.options.nx) + " x --ny " +
                       std::to_string(args.options.ny) + " " + *why);
  }
  pde::LaplaceResult r;
  try {
    pde::validate(args.options);
    // No bar (a sweep is too short to count): the monitor is there for Ctrl-C.
    const Progress progress;
    const RunMonitor monitor(progress, true);
    const RunControl control{.stop = monitor.stop_token()};
    if (args.backend == "serial") {
      r = pde::solve_laplace(args.options, control);
    } else {
      ThreadPool pool(args.workers);
      r = pde::solve_laplace(pool, args.options, 0, control);
    }
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "pardo %s\n", e.what());
    return 2;
  }
  print_result(args, r);
  if (const int code = save(args, r); code != 0) return code;
  return finish_run(r.run, r.converged);
}

}  // namespace

void add_laplace_command(CLI::App& app, int& exit_code) {
  // CLI11 would wrap "-5" around to a huge unsigned count; name the value instead.
  const CLI::Validator not_negative(
      [](std::string& text) {
        return !text.empty() && text.front() == '-' ? "'" + text + "' is negative" : std::string{};
      },
      "", "NOT_NEGATIVE");
  auto args = std::make_shared<LaplaceArgs>();
  auto* cmd = app.add_subcommand(
      "laplace", "Solve Laplace's equation by Jacobi iteration, with the same iterates anywhere");
  cmd->add_option("--nx", args->options.nx, "Grid points along x, boundary included (>= 3)")
      ->type_name("COUNT")
      ->capture_default_str()
      ->check(not_negative)
      ->check(CLI::Range(std::size_t{3}, std::size_t{1} << 31));
  cmd->add_option("--ny", args->options.ny, "Grid points along y, boundary included (>= 3)")
      ->type_name("COUNT")
      ->capture_default_str()
      ->check(not_negative)
      ->check(CLI::Range(std::size_t{3}, std::size_t{1} << 31));
  cmd->add_option("--tolerance,--tol", args->options.tol,
                  "Stop when no point changes by more than this")
      ->type_name("FLOAT")
      ->capture_default_str()
      ->check(number_in(0, 1e300));
  cmd->add_option("--max-iterations", args->options.max_iterations,
                  "Stop after this many sweeps (exit 1: not converged)")
      ->type_name("COUNT")
      ->capture_default_str()
      ->check(not_negative);
  cmd->add_option("-b,--backend", args->backend, "serial, threads or mpi (under mpirun)")
      ->type_name("BACKEND")
      ->capture_default_str();
  auto* workers = cmd->add_option("-w,--workers", args->workers, "Worker threads (threads)")
                      ->type_name("COUNT")
                      ->capture_default_str()
                      ->check(CLI::Range(std::size_t{1}, max_workers()));
  add_output_option(*cmd, args->output);
  add_save_option(*cmd, "--save-field", args->save_field,
                  "Write the final iterate u to FILE: a viridis image (.png), an ny x nx array "
                  "(.npy) or CSV with columns x, y, u");
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->callback([&exit_code, args, workers] {
    args->workers_given = workers->count() > 0;
    accept_stop_requests();
    args->options.keep_grid = !args->save_field.empty();
    exit_code = prepare_save(args->save_field, "--save-field", "laplace");
    if (exit_code == 0) exit_code = redirect_output(args->output, "laplace");
    if (exit_code == 0) exit_code = run_laplace(*args);
  });
}

}  // namespace pardo::cli
