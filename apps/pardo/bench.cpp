// `pardo bench pi`: the ladder of methods (naive, batched, simd) at 1..N workers, each cell run
// several times: the median time and the spread, as a table or one JSON object.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
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
  std::size_t repetitions = 3;
  std::uint64_t seed = 42;
  bool json = false;
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

// One cell of the ladder: the same run `repetitions` times (same seed, same estimate).
struct Cell {
  mc::PiMethod method{};
  std::size_t workers = 1;
  std::uint64_t samples = 0;
  std::vector<double> seconds;  ///< sorted
  double estimate = 0;

  double median() const {
    const std::size_t n = seconds.size();
    return n % 2 == 1 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2]) / 2;
  }
  double rate() const { return static_cast<double>(samples) / median(); }
};

nlohmann::json cell_json(const Cell& cell, double naive_rate) {
  return {
      {"method", std::string(mc::to_string(cell.method))},
      {"workers", cell.workers},
      {"samples", cell.samples},
      {"repetitions", cell.seconds.size()},
      {"seconds",
       {{"median", cell.median()}, {"min", cell.seconds.front()}, {"max", cell.seconds.back()}}},
      {"samples_per_second", cell.rate()},
      {"vs_naive", cell.rate() / naive_rate},
      {"estimate", cell.estimate}};
}

int run_bench_pi(const BenchArgs& args) {
  if (!args.json) {
    std::printf("%-8s %7s %14s %10s %16s %12s %9s %15s\n", "method", "workers", "samples",
                "median (s)", "min - max (s)", "samples/s", "vs naive", "estimate");
  }
  nlohmann::json cells = nlohmann::json::array();
  double naive_rate = 0;
  for (mc::PiMethod method : {mc::PiMethod::naive, mc::PiMethod::batched, mc::PiMethod::simd}) {
    for (std::size_t workers : args.workers) {
      PiRequest request;
      request.options.method = method;
      request.options.seed = args.seed;
      const double wanted = static_cast<double>(base_samples(method)) * args.scale;
      request.options.samples = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(wanted));
      request.backend.workers = workers;
      Cell cell;
      cell.method = method;
      cell.workers = workers;
      cell.samples = request.options.samples;
      for (std::size_t rep = 0; rep < args.repetitions; ++rep) {
        const PiRun run = run_pi_request(request);
        const mc::PiResult& r = run.result;
        if (!run.monitored.prints) return run.monitored.exit_code;
        if (!r.run.complete) {
          print_interrupted(r.run);
          return finish_run(r.run);
        }
        cell.seconds.push_back(r.run.seconds);
        cell.estimate = r.estimate;
      }
      std::sort(cell.seconds.begin(), cell.seconds.end());
      if (method == mc::PiMethod::naive && naive_rate == 0) naive_rate = cell.rate();
      if (args.json) {
        cells.push_back(cell_json(cell, naive_rate));
        continue;
      }
      std::printf("%-8s %7zu %14llu %10.3f %7.3f - %6.3f %12.4g %8.1fx %15.10f\n",
                  std::string(mc::to_string(method)).c_str(), workers,
                  static_cast<unsigned long long>(cell.samples), cell.median(),
                  cell.seconds.front(), cell.seconds.back(), cell.rate(), cell.rate() / naive_rate,
                  cell.estimate);
      std::fflush(stdout);
    }
  }
  if (args.json) {
    std::cout << nlohmann::json{{"pardo", provenance("bench pi")},
                                {"seed", args.seed},
                                {"cells", cells}}
                     .dump()
              << '\n';
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
      ->type_name("COUNT ...")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, max_workers()));
  // Beyond 1000 the largest cell would take hours.
  pi->add_option("--scale", args->scale, "Multiply every run's sample count")
      ->type_name("FLOAT")
      ->capture_default_str()
      ->check(number_in(0, 1000));
  pi->add_option("--repetitions", args->repetitions,
                 "Runs of each cell: the table shows the median time and the spread")
      ->type_name("COUNT")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}));
  add_seed_option(*pi, args->seed);
  pi->add_flag("--json", args->json, "Print one JSON object");
  pi->callback([&exit_code, args] {
    accept_stop_requests();
    exit_code = run_bench_pi(*args);
  });
}

}  // namespace pardo::cli
