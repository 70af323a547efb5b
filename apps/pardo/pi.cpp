// `pardo pi`: the main job. Monte Carlo pi with error bars, on any backend, reproducibly.
#include <cstdio>
#include <iostream>
#include <memory>
#include <pardo/mc/pi.hpp>
#include <pardo/pardo.hpp>
#include <string>

#include "commands.hpp"
#include "mpi_session.hpp"
#include "parse.hpp"
#include "pi_run.hpp"

namespace pardo::cli {

namespace {

struct PiArgs {
  std::string samples = "1e9";
  std::string block = "4Mi";
  std::size_t workers = default_workers();
  std::string method = "simd";
  std::string backend = "threads";
  std::uint64_t seed = 42;
  bool json = false;
  bool quiet = false;
  bool workers_given = false;
};

void print_human(const PiRun& run) {
  const mc::PiResult& r = run.result;
  std::printf("pardo pi: %llu samples, method %s, %zu worker%s (%s), seed %llu\n",
              static_cast<unsigned long long>(run.options.samples),
              std::string(mc::to_string(run.options.method)).c_str(), run.workers,
              run.workers == 1 ? "" : "s", run.backend.c_str(),
              static_cast<unsigned long long>(run.options.seed));
  if (!r.complete) {
    std::printf("interrupted: partial estimate from %llu of %llu blocks\n",
                static_cast<unsigned long long>(r.blocks_done),
                static_cast<unsigned long long>(r.blocks_total));
  }
  std::printf("  estimate      %.12f\n", r.estimate);
  std::printf("  std error     %.3g\n", r.std_error);
  std::printf("  95%% interval  [%.12f, %.12f]\n", r.ci_low, r.ci_high);
  std::printf("  |est - pi|    %.3g\n", r.abs_error);
  std::printf("  samples       %llu\n", static_cast<unsigned long long>(r.samples));
  std::printf("  time          %.3f s  (%.4g samples/s)\n", r.seconds, r.samples_per_second);
}

int run_pi(const PiArgs& args) {
  PiRequest request;
  try {
    request.options.samples = parse_count(args.samples, "--samples");
    request.options.block_samples = parse_count(args.block, "--block-size");
  } catch (const UsageError& e) {
    std::fprintf(stderr, "pardo pi: %s\n", e.what());
    return 2;
  }
  const auto method = mc::parse_pi_method(args.method);
  if (!method) {
    std::fprintf(stderr, "pardo pi: --method: unknown method '%s' (naive, batched or simd)\n",
                 args.method.c_str());
    return 2;
  }
  if (args.backend != "threads" && args.backend != "serial" && args.backend != "processes" &&
      args.backend != "mpi") {
    std::fprintf(stderr,
                 "pardo pi: --backend: unknown backend '%s' (serial, threads, processes or mpi)\n",
                 args.backend.c_str());
    return 2;
  }
  if (args.backend == "mpi" && !mpi_compiled_in()) return mpi_not_compiled_in("pi");
  if (args.backend == "mpi" && args.workers_given) {
    std::fprintf(stderr,
                 "pardo pi: --workers %zu does not apply to --backend mpi: it runs on the ranks "
                 "mpirun starts (mpirun -np N)\n",
                 args.workers);
    return 2;
  }
  if (args.backend == "serial" && args.workers != 1) {
    std::fprintf(stderr, "pardo pi: --backend serial runs on 1 worker, not %zu\n", args.workers);
    return 2;
  }
  request.options.method = *method;
  request.options.seed = args.seed;
  request.workers = args.workers;
  request.backend = args.backend;
  request.quiet = args.quiet || args.json;

  const PiRun run = run_pi_request(request);
  if (!run.report) return 0;
  if (args.json) {
    std::cout << to_json(run).dump() << '\n';
  } else {
    print_human(run);
  }
  return run.result.complete ? 0 : 130;
}

}  // namespace

void add_pi_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<PiArgs>();
  auto* pi = app.add_subcommand("pi", "Estimate pi by Monte Carlo, with error bars, reproducibly");
  pi->add_option("-n,--samples", args->samples, "Samples: 1e10, 10000000000, 10G")
      ->capture_default_str();
  auto* workers = pi->add_option("-w,--workers", args->workers, "Worker threads or processes")
                      ->capture_default_str()
                      ->check(CLI::Range(std::size_t{1}, max_workers()));
  pi->add_option("-m,--method", args->method, "naive, batched or simd")->capture_default_str();
  pi->add_option("-s,--seed", args->seed, "Seed of the random streams")->capture_default_str();
  pi->add_option("-b,--backend", args->backend, "serial, threads, processes or mpi (under mpirun)")
      ->capture_default_str();
  pi->add_option("--block-size", args->block, "Samples per block (fixes the streams)")
      ->capture_default_str();
  pi->add_flag("--json", args->json, "Print one JSON object");
  pi->add_flag("-q,--quiet", args->quiet, "No progress bar");
  pi->callback([&exit_code, args, workers] {
    args->workers_given = workers->count() > 0;
    exit_code = run_pi(*args);
  });
}

}  // namespace pardo::cli
