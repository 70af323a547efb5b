// `pardo pi`: the main job. Monte Carlo pi with error bars, on any backend, reproducibly.
#include <cstdio>
#include <iostream>
#include <memory>
#include <pardo/mc/pi.hpp>
#include <pardo/pardo.hpp>
#include <string>

#include "commands.hpp"
#include "outputs.hpp"
#include "parse.hpp"
#include "pi_run.hpp"
#include "progress.hpp"
#include "report.hpp"

namespace pardo::cli {

namespace {

struct PiArgs {
  std::string samples = "1e9";
  std::string block = "auto";
  std::string method = "simd";
  BackendArgs backend;
  std::uint64_t seed = 42;
  bool json = false;
  std::string output;
  bool quiet = false;
};

void print_human(const mc::PiOptions& options, const mc::PiResult& r) {
  std::printf("pardo pi: %llu samples, method %s, %zu worker%s (%s), seed %llu\n",
              static_cast<unsigned long long>(options.samples),
              std::string(mc::to_string(options.method)).c_str(), r.run.workers,
              r.run.workers == 1 ? "" : "s", r.run.backend.c_str(),
              static_cast<unsigned long long>(options.seed));
  print_interrupted(r.run);
  std::printf("  estimate      %.12f\n", r.estimate);
  std::printf("  std error     %.3g\n", r.std_error);
  std::printf("  95%% interval  [%.12f, %.12f]\n", r.interval.low, r.interval.high);
  std::printf("  |est - pi|    %.3g\n", r.abs_error);
  std::printf("  samples       %llu\n", static_cast<unsigned long long>(r.samples));
  std::printf("  time          %.3f s  (%.4g samples/s)\n", r.run.seconds, r.samples_per_second);
}

int run_pi(const PiArgs& args) {
  PiRequest request;
  try {
    request.options.samples = parse_count(args.samples, "--samples");
    if (args.block != "auto") {
      request.options.block_samples = parse_count(args.block, "--block-size");
    }
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
  const bool gpu = args.backend.backend == "cuda";
  if (const int code = check_backend(args.backend, "pi", true); code != 0) return code;
  request.options.method = *method;
  request.options.seed = args.seed;
  request.backend = args.backend;
  request.quiet = args.quiet || args.json;

  const PiRun run = gpu ? run_pi_on_gpu(request) : run_pi_request(request);
  if (!run.monitored.prints) return run.monitored.exit_code;
  if (args.json) {
    std::cout << to_json(request.options, run.result).dump() << '\n';
  } else {
    print_human(request.options, run.result);
  }
  return finish_run(run.result.run);
}

}  // namespace

void add_pi_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<PiArgs>();
  auto* pi = app.add_subcommand("pi", "Estimate pi by Monte Carlo, with error bars, reproducibly");
  pi->add_option("--samples", args->samples, "Samples: 1e10, 10000000000, 10G")
      ->type_name("COUNT")
      ->capture_default_str();
  pi->add_option("-m,--method", args->method, "naive, batched or simd")
      ->type_name("METHOD")
      ->capture_default_str();
  add_seed_option(*pi, args->seed);
  add_backend_options(*pi, args->backend);
  pi->get_option("--backend")
      ->description("serial, threads, processes, mpi (under mpirun) or cuda (a GPU, if built in)");
  add_checkpoint_options(*pi, args->backend.checkpoint);
  pi->add_option("--block-size", args->block,
                 "Samples per block (fixes the streams); auto: 4Mi, or samples / 4Mi if larger")
      ->type_name("COUNT")
      ->capture_default_str();
  add_output_option(*pi, args->output);
  pi->add_flag("--json", args->json, "Print one JSON object");
  pi->add_flag("-q,--quiet", args->quiet, "No progress bar");
  pi->callback([&exit_code, args] {
    accept_stop_requests();
    exit_code = redirect_output(args->output, "pi");
    if (exit_code == 0) exit_code = run_pi(*args);
  });
}

}  // namespace pardo::cli
