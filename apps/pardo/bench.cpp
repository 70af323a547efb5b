// `pardo bench pi`: the ladder of methods (naive, batched, simd) at 1..N workers, in one table.
#include <cstdio>
#include <memory>
#include <pardo/mc/pi.hpp>
#include <pardo/pardo.hpp>
#include <string>
#include <vector>

#include "commands.hpp"
#include "pi_run.hpp"
#include "progress.hpp"
#include "report.hpp"

namespace pardo::cli {

namespace {

struct BenchArgs {
  std::vector<std::size_t> workers{1, 2};
  double scale = 1.0;
  std::uint64_t seed = 42;
};

/// Samples per method at scale 1: about half a second each on one core of this machine.
std::uint64_t base_samples(mc::PiMethod method) {
  switch (method) {
    case mc::PiMethod::naive:
      return 40'000'000;
    case mc::PiMethod::batched:
      return 200'000'000;
    case mc::PiMethod::simd:
      break;
  }
  return 1'000'000'000;
}

int run_bench_pi(const BenchArgs& args) {
  std::printf("%-8s %7s %14s %9s %12s %10s %15s\n", "method", "workers", "samples", "time (s)",
              "samples/s", "vs naive", "estimate");
  double naive_rate = 0;
  for (mc::PiMethod method : {mc::PiMethod::naive, mc::PiMethod::batched, mc::PiMethod::simd}) {
    for (std::size_t workers : args.workers) {
      PiRequest request;
      request.options.method = method;
      request.options.seed = args.seed;
      const double wanted = static_cast<double>(base_samples(method)) * args.scale;
      request.options.samples = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(wanted));
      request.backend.workers = workers;
      const PiRun run = run_pi_request(request);
      const mc::PiResult& r = run.result;
      if (!run.monitored.prints) return run.monitored.exit_code;
      if (!r.run.complete) {
        print_interrupted(r.run);
        return finish_run(r.run);
      }
      if (method == mc::PiMethod::naive && naive_rate == 0) naive_rate = r.samples_per_second;
      std::printf("%-8s %7zu %14llu %9.3f %12.4g %9.1fx %15.10f\n",
                  std::string(mc::to_string(method)).c_str(), workers,
                  static_cast<unsigned long long>(r.samples), r.run.seconds, r.samples_per_second,
                  r.samples_per_second / naive_rate, r.estimate);
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  auto* bench = app.add_subcommand("bench", "Built-in benchmarks");
  bench->require_subcommand(1);
  auto args = std::make_shared<BenchArgs>();
  auto* pi = bench->add_subcommand("pi", "The Monte Carlo pi ladder: method x workers");
  pi->add_option("-w,--workers", args->workers, "Worker counts to run")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, max_workers()));
  // Beyond 1000 the largest cell would take hours.
  pi->add_option("--scale", args->scale, "Multiply every run's sample count")
      ->capture_default_str()
      ->check(number_in(0, 1000));
  add_seed_option(*pi, args->seed);
  pi->callback([&exit_code, args] {
    accept_stop_requests();
    exit_code = run_bench_pi(*args);
  });
}

}  // namespace pardo::cli
