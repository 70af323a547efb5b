// pardo's side of bench/process/run.py: per-task overhead of no-op maps, and Monte Carlo pi
// split into many small or few large tasks, on ProcessPool or ThreadPool. One JSON line per
// configuration, with the same keys as python/pool_peers.py.
//
//   bench_process --runtime processes --workers 2 --what noop --tasks 200000 --chunksize 1
//   bench_process --runtime threads --workers 2 --what pi --tasks 10000 --samples 10000

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <pardo/mc/pi.hpp>
#include <pardo/pardo.hpp>
#include <string>
#include <vector>

namespace {

int noop(int x) { return x; }
PARDO_REMOTE(noop);

struct PiTask {
  std::uint64_t index;
  std::uint64_t samples;
};

/// Hits among `samples` points of stream (42, index): the same kernel as `pardo pi`.
std::uint64_t pi_task(PiTask task) {
  // Block `index` of a run of blocks of `samples`: the last one, so it is full.
  const pardo::mc::PiOptions options{.samples = (task.index + 1) * task.samples,
                                     .seed = 42,
                                     .method = pardo::mc::PiMethod::simd,
                                     .block_samples = task.samples};
  return pardo::mc::detail::count_block(options, task.index);
}
PARDO_REMOTE(pi_task);

struct Args {
  std::string runtime = "processes";
  std::size_t workers = 2;
  std::string what = "noop";
  std::size_t tasks = 200'000;
  std::size_t chunksize = 1;
  std::uint64_t samples = 10'000;
  int reps = 5;
  double stall_timeout = 0;  ///< ProcessOptions::stall_timeout, seconds (0: off)
};

/// Runs `body` once to warm up, then `reps` timed times; returns the seconds of each.
template <class Body>
std::vector<double> time_reps(int reps, Body&& body) {
  body();
  std::vector<double> seconds;
  for (int r = 0; r < reps; ++r) {
    const auto start = std::chrono::steady_clock::now();
    body();
    seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return seconds;
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  const std::size_t n = xs.size();
  return n % 2 == 1 ? xs[n / 2] : 0.5 * (xs[n / 2 - 1] + xs[n / 2]);
}

template <class Pool>
nlohmann::json measure(Pool& pool, const Args& args) {
  nlohmann::json row{{"runtime", "pardo-" + args.runtime},
                     {"what", args.what},
                     {"workers", args.workers},
                     {"tasks", args.tasks},
                     {"chunksize", args.chunksize},
                     {"samples", nullptr}};
  std::vector<double> seconds;
  if (args.what == "noop") {
    std::vector<int> inputs(args.tasks);
    std::iota(inputs.begin(), inputs.end(), 0);
    const pardo::MapOptions options{.chunksize = args.chunksize};
    seconds = time_reps(args.reps, [&] {
      if (pool.map(noop, inputs, options).back() != inputs.back()) throw std::logic_error("map");
    });
  } else {
    std::vector<PiTask> inputs;
    for (std::size_t t = 0; t < args.tasks; ++t) inputs.push_back({t, args.samples});
    std::uint64_t hits = 0;
    seconds = time_reps(args.reps, [&] {
      hits = pool.map_reduce(inputs, pi_task, std::plus<>{}, std::uint64_t{0}, {.chunksize = 1});
    });
    row["samples"] = args.samples;
    row["estimate"] = 4.0 * static_cast<double>(hits) /
                      (static_cast<double>(args.samples) * static_cast<double>(args.tasks));
  }
  row["seconds_all"] = seconds;
  row["seconds_median"] = median(seconds);
  row["per_task_us"] = median(seconds) / static_cast<double>(args.tasks) * 1e6;
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  pardo::init(argc, argv);
  Args args;
  CLI::App app{"pardo's per-task overhead and many-small-tasks pi on processes or threads"};
  app.add_option("--runtime", args.runtime)->check(CLI::IsMember({"processes", "threads"}));
  app.add_option("--workers", args.workers)->check(CLI::Range(1, 1024));
  app.add_option("--what", args.what)->check(CLI::IsMember({"noop", "pi"}));
  app.add_option("--tasks", args.tasks)->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
  app.add_option("--chunksize", args.chunksize, "Inputs per chunk; 0 = automatic");
  app.add_option("--samples", args.samples)
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  app.add_option("--reps", args.reps)->check(CLI::Range(1, 1000));
  app.add_option("--stall-timeout", args.stall_timeout, "Processes: seconds (0: off)")
      ->check(CLI::Range(0.0, 1e6));
  CLI11_PARSE(app, argc, argv);
  if (args.runtime == "processes") {
    pardo::ProcessPool pool(
        args.workers,
        pardo::ProcessOptions{.stall_timeout = std::chrono::duration<double>(args.stall_timeout)});
    nlohmann::json row = measure(pool, args);
    row["stall_timeout"] = args.stall_timeout;
    std::cout << row.dump() << std::endl;
  } else {
    pardo::ThreadPool pool(args.workers);
    std::cout << measure(pool, args).dump() << std::endl;
  }
  return 0;
}
