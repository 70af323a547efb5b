// pardo's side of bench/process/broadcast.py: one large array read by tasks on worker
// processes, broadcast once (pardo::Shared, a shared segment) or sent inside every task. One
// JSON line: the mode, the seconds from handing over the data to the last result (the pool
// already started), and the sum the tasks found.
//
//   bench_broadcast --mode broadcast --mib 1024 --workers 2 --tasks 4
//   bench_broadcast --mode per_task --mib 1024 --workers 2 --tasks 4

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <pardo/pardo.hpp>
#include <span>
#include <string>
#include <vector>

namespace {

double slice_sum(std::span<const double> values, std::uint64_t block, std::uint64_t blocks) {
  const std::size_t begin = values.size() * block / blocks;
  const std::size_t end = values.size() * (block + 1) / blocks;
  return std::accumulate(values.begin() + static_cast<std::ptrdiff_t>(begin),
                         values.begin() + static_cast<std::ptrdiff_t>(end), 0.0);
}

double sum_shared(pardo::Shared<std::vector<double>> values, std::uint64_t block,
                  std::uint64_t blocks) {
  return slice_sum(values.span(), block, blocks);
}
PARDO_REMOTE(sum_shared);

double sum_sent(std::vector<double> values, std::uint64_t block, std::uint64_t blocks) {
  return slice_sum(values, block, blocks);
}
PARDO_REMOTE(sum_sent);

std::size_t ready(std::size_t worker) { return worker; }
PARDO_REMOTE(ready);

}  // namespace

int main(int argc, char** argv) {
  pardo::init(argc, argv);
  CLI::App app("bench_broadcast");
  std::string mode = "broadcast";
  std::size_t mib = 1024;
  std::size_t workers = 2;
  std::uint64_t tasks = 4;
  app.add_option("--mode", mode)->check(CLI::IsMember({"broadcast", "per_task"}));
  app.add_option("--mib", mib)->check(CLI::Range(std::size_t{1}, std::size_t{65536}));
  app.add_option("--workers", workers)->check(CLI::Range(std::size_t{1}, std::size_t{4096}));
  app.add_option("--tasks", tasks)->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 20));
  CLI11_PARSE(app, argc, argv);

  std::vector<double> values(mib * (std::size_t{1} << 20) / sizeof(double));
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = 0.5 * static_cast<double>(i % 1024);
  pardo::ProcessPool pool(workers);
  pool.on_each_worker(ready);  // every worker started
  const auto start = std::chrono::steady_clock::now();
  std::vector<pardo::Future<double>> sums;
  if (mode == "broadcast") {
    const auto shared = pool.broadcast(values);
    for (std::uint64_t b = 0; b < tasks; ++b)
      sums.push_back(pool.submit(sum_shared, shared, b, tasks));
  } else {
    for (std::uint64_t b = 0; b < tasks; ++b)
      sums.push_back(pool.submit(sum_sent, values, b, tasks));
  }
  double total = 0;
  for (auto& s : sums) total += s.get();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << nlohmann::json{{"mode", mode},   {"mib", mib},         {"workers", workers},
                              {"tasks", tasks}, {"seconds", seconds}, {"sum", total}}
            << '\n';
  return 0;
}
