#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <numeric>
#include <pardo/pardo.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "commands.hpp"

namespace pardo::cli {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

long fib(ThreadPool& pool, int n) {
  if (n < 18) return n < 2 ? n : fib(pool, n - 1) + fib(pool, n - 2);
  auto left = pool.submit([&pool, n] { return fib(pool, n - 1); });
  const long right = fib(pool, n - 2);
  return left.get() + right;
}

int run_tour(std::size_t workers) {
  ThreadPool pool(workers);
  std::printf("pardo %s tour on %zu workers\n\n", std::string(version()).c_str(), pool.size());

  std::printf("1. submit -> Future, then a continuation\n");
  auto area = pool.submit([](double r) { return M_PI * r * r; }, 2.0);
  auto text = area.then([](double a) { return "area = " + std::to_string(a); });
  std::printf("   %s\n\n", text.get().c_str());

  std::printf("2. failures land on their own future, with their own type\n");
  auto bad = pool.submit([]() -> int { throw std::domain_error("no such thing"); });
  try {
    bad.get();
  } catch (const std::domain_error& e) {
    std::printf("   caught std::domain_error: %s\n\n", e.what());
  }

  std::printf("3. as_completed yields futures as they finish\n");
  std::vector<Future<int>> sleepers;
  for (int ms : {150, 30, 80}) {
    sleepers.push_back(pool.submit([ms] {
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      return ms;
    }));
  }
  std::printf("   finished in order:");
  for (auto& f : as_completed(sleepers)) std::printf(" %d ms", f.get());
  std::printf("\n\n");

  std::printf("4. map keeps input order; map_reduce is bit-identical on any worker count\n");
  std::vector<int> xs(2'000'000);
  std::iota(xs.begin(), xs.end(), 1);
  auto squares = pool.map([](int x) { return static_cast<long>(x) * x; }, xs);
  const auto term = [](int x) { return 1.0 / (static_cast<double>(x) * x); };
  const double here = pool.map_reduce(xs, term, std::plus<>{}, 0.0);
  SerialExecutor serial;
  const double one = serial.map_reduce(xs, term, std::plus<>{}, 0.0);
  std::printf("   squares[1999999] = %ld\n", squares.back());
  std::printf("   sum 1/x^2 = %.17g on %zu workers, %.17g on 1: %s\n\n", here, pool.size(), one,
              here == one ? "identical bits" : "DIFFERENT");

  std::printf("5. a task may wait on tasks it submits (fork-join), even on one worker\n");
  auto start = Clock::now();
  const long f30 = fib(pool, 30);
  std::printf("   fib(30) = %ld in %.3f s\n\n", f30, seconds_since(start));

  std::printf("6. parallel_for over 50 million iterations\n");
  std::vector<float> y(50'000'000, 1.0f);
  start = Clock::now();
  pool.parallel_for(std::size_t{0}, y.size(), [&](std::size_t i) { y[i] = 2.0f * y[i] + 1.0f; });
  std::printf("   %.3f s, y[0] = %.1f\n\n", seconds_since(start), static_cast<double>(y[0]));

  std::printf("7. shutdown(cancel_pending): queued tasks are cancelled, running ones finish\n");
  std::vector<Future<void>> queued;
  for (int i = 0; i < 20; ++i) {
    queued.push_back(
        pool.submit([] { std::this_thread::sleep_for(std::chrono::milliseconds(50)); }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  pool.shutdown(true, true);
  std::size_t cancelled = 0;
  for (auto& f : queued) cancelled += f.cancelled() ? 1u : 0u;
  std::printf("   %zu of %zu cancelled, the rest finished\n", cancelled, queued.size());
  return 0;
}

}  // namespace

void add_tour_command(CLI::App& app, int& exit_code) {
  auto* tour = app.add_subcommand("tour", "A short tour of the executor: futures, map, reductions");
  auto workers = std::make_shared<std::size_t>(0);
  tour->add_option("-w,--workers", *workers, "Worker threads (0: one per core)")
      ->type_name("COUNT")
      ->check(CLI::Range(std::size_t{0}, std::size_t{4096}));
  tour->callback([&exit_code, workers] { exit_code = run_tour(*workers); });
}

}  // namespace pardo::cli
