// pardo's core benchmarks beside oneTBB, OpenMP and std::async, in one binary.
//
// Workloads (each implemented once per runtime, all runtimes on the same thread count):
//   spawn_200k/<runtime>        spawn 200 000 trivial tasks and wait for all of them
//                               (pardo_traced: while a trace records them)
//   parallel_for_50M/<runtime>  y[i] = 0.5f * y[i] + 1 over 5e7 floats
//   map_reduce_50M/<runtime>    sum of i * 0.5 for i in [0, 5e7)
//   fib/<runtime>               recursive fib(30), serial below n = 16
//   pipeline_3stage, channel_2x2: see bench_flow.cpp
//
// The thread count is the hardware concurrency, or PARDO_BENCH_THREADS if set. TBB is capped
// with tbb::global_control, OpenMP with omp_set_num_threads, and pardo uses one pool built
// once in main. Results are checked; a wrong result fails the benchmark (SkipWithError).
//
// Run: build/bin/bench_core, or python3 bench/core/run.py for medians and pardo/TBB ratios.

#include <benchmark/benchmark.h>
#include <omp.h>
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <functional>
#include <future>
#include <ranges>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <pardo/pardo.hpp>

#include "bench_flow.hpp"

namespace {

// ---------------------------------------------------------------------------------------
// Parameters

constexpr std::size_t kSpawnTasks = 200'000;
// std::async starts one thread per task; at most this many run (are unjoined) at once, since
// 200 000 live threads would exhaust the process's thread and memory limits.
constexpr std::size_t kAsyncWindow = 1'000;

constexpr std::size_t kLoopSize = 50'000'000;
constexpr int kReduceSize = 50'000'000;

constexpr int kFibN = 30;
constexpr int kFibCutoff = 16;     // fib(n) for n < kFibCutoff is computed serially
constexpr int kFibAsyncDepth = 4;  // std::async: threads only in the top 4 levels (<= 15)
constexpr long long kFib30 = 832'040;

constexpr double kMinTime = 0.2;      // seconds per repetition
constexpr double kWarmUpTime = 0.02;  // lets other runtimes' idle threads go to sleep

// Keeps a result alive by escaping its address. DoNotOptimize on the value itself gave wrong
// sums here with g++ 12 and Debian's Google Benchmark 1.7.1; the address form did not.
template <class T>
inline void keep(T& value) {
  benchmark::DoNotOptimize(&value);
}

std::size_t g_threads = 1;
pardo::ThreadPool* g_pool = nullptr;

std::atomic<std::size_t> g_counter{0};

// The trivial task of spawn_200k.
inline void trivial_task() { g_counter.fetch_add(1, std::memory_order_relaxed); }

void report_items(benchmark::State& state, std::size_t items) {
  const auto n = static_cast<double>(items);
  // Seconds per item (the console shows e.g. "25.1n"); run.py recomputes it from the median.
  state.counters["per_item"] = benchmark::Counter(
      n, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["items"] = n;
}

bool check_spawned(benchmark::State& state, std::size_t expected) {
  if (g_counter.load(std::memory_order_relaxed) == expected) return true;
  state.SkipWithError("wrong number of tasks ran");
  return false;
}

// ---------------------------------------------------------------------------------------
// spawn_200k

void spawn_pardo(benchmark::State& state) {
  pardo::ThreadPool& pool = *g_pool;
  std::vector<pardo::Future<void>> futures;
  futures.reserve(kSpawnTasks);
  for (auto _ : state) {
    g_counter.store(0, std::memory_order_relaxed);
    for (std::size_t i = 0; i < kSpawnTasks; ++i) futures.push_back(pool.submit(trivial_task));
    for (auto& f : futures) f.wait();
    futures.clear();
    if (!check_spawned(state, kSpawnTasks)) break;
  }
  report_items(state, kSpawnTasks);
}

// spawn_pardo while a trace records every task (pardo::trace): the difference from
// spawn_200k/pardo is what recording costs per task. Starting and collecting the trace are not
// timed.
void spawn_pardo_traced(benchmark::State& state) {
  pardo::ThreadPool& pool = *g_pool;
  std::vector<pardo::Future<void>> futures;
  futures.reserve(kSpawnTasks);
  for (auto _ : state) {
    state.PauseTiming();
    pardo::trace::start();
    state.ResumeTiming();
    g_counter.store(0, std::memory_order_relaxed);
    for (std::size_t i = 0; i < kSpawnTasks; ++i) futures.push_back(pool.submit(trivial_task));
    for (auto& f : futures) f.wait();
    futures.clear();
    state.PauseTiming();
    std::ptrdiff_t tasks = 0;
    {
      const pardo::trace::Trace trace = pardo::trace::stop();
      tasks = std::count_if(trace.events().begin(), trace.events().end(),
                            [](const auto& e) { return e.category == "task"; });
    }
    state.ResumeTiming();
    if (!check_spawned(state, kSpawnTasks)) break;
    if (static_cast<std::size_t>(tasks) != kSpawnTasks) {
      state.SkipWithError("the trace does not hold one event per task");
      break;
    }
  }
  report_items(state, kSpawnTasks);
}

// What one event costs the thread that records it, apart from any scheduling: 200 000 empty
// spans timed as tasks are (two trace-clock readings and an append to the thread's log).
void trace_record_events(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    pardo::trace::start();
    state.ResumeTiming();
    for (std::size_t i = 0; i < kSpawnTasks; ++i) {
      const pardo::detail::trace::TaskTimer timer("event");
    }
    state.PauseTiming();
    const std::size_t events = pardo::trace::stop().events().size();
    state.ResumeTiming();
    if (events != kSpawnTasks) {
      state.SkipWithError("the trace does not hold every event");
      break;
    }
  }
  report_items(state, kSpawnTasks);
}

// The same, spawned from inside one of the pool's tasks: submissions go to that worker's own
// deque rather than the workers' inboxes, as they do in recursive algorithms.
void spawn_pardo_in_worker(benchmark::State& state) {
  pardo::ThreadPool& pool = *g_pool;
  std::vector<pardo::Future<void>> futures;
  futures.reserve(kSpawnTasks);
  for (auto _ : state) {
    g_counter.store(0, std::memory_order_relaxed);
    pool.submit([&] {
          for (std::size_t i = 0; i < kSpawnTasks; ++i)
            futures.push_back(pool.submit(trivial_task));
          for (auto& f : futures) f.wait();
          futures.clear();
        })
        .get();
    if (!check_spawned(state, kSpawnTasks)) break;
  }
  report_items(state, kSpawnTasks);
}

void spawn_tbb(benchmark::State& state) {
  for (auto _ : state) {
    g_counter.store(0, std::memory_order_relaxed);
    tbb::task_group group;
    for (std::size_t i = 0; i < kSpawnTasks; ++i) group.run(trivial_task);
    group.wait();
    if (!check_spawned(state, kSpawnTasks)) break;
  }
  report_items(state, kSpawnTasks);
}

void spawn_omp(benchmark::State& state) {
  for (auto _ : state) {
    g_counter.store(0, std::memory_order_relaxed);
#pragma omp parallel
#pragma omp single
    {
      for (std::size_t i = 0; i < kSpawnTasks; ++i) {
#pragma omp task
        trivial_task();
      }
#pragma omp taskwait
    }
    if (!check_spawned(state, kSpawnTasks)) break;
  }
  report_items(state, kSpawnTasks);
}

void spawn_async(benchmark::State& state) {
  std::vector<std::future<void>> window;
  window.reserve(kAsyncWindow);
  for (auto _ : state) {
    g_counter.store(0, std::memory_order_relaxed);
    try {
      for (std::size_t i = 0; i < kSpawnTasks; ++i) {
        window.push_back(std::async(std::launch::async, trivial_task));
        if (window.size() == kAsyncWindow) {
          for (auto& f : window) f.get();
          window.clear();
        }
      }
      for (auto& f : window) f.get();
      window.clear();
    } catch (const std::system_error& e) {
      state.SkipWithError(e.what());
      break;
    }
    if (!check_spawned(state, kSpawnTasks)) break;
  }
  report_items(state, kSpawnTasks);
}

// ---------------------------------------------------------------------------------------
// parallel_for_50M

std::vector<float>& loop_data() {
  static std::vector<float> y(kLoopSize, 0.0F);
  return y;
}

inline void loop_body(float* y, std::size_t i) { y[i] = 0.5F * y[i] + 1.0F; }

// Every element goes through the same updates, so all must be equal.
bool check_loop(benchmark::State& state, const std::vector<float>& y) {
  for (std::size_t i = 0; i < y.size(); i += 9973) {
    if (y[i] != y[0]) {
      state.SkipWithError("parallel_for left elements with different values");
      return false;
    }
  }
  if (y.back() != y[0]) {
    state.SkipWithError("parallel_for missed the last element");
    return false;
  }
  return true;
}

template <class Loop>
void run_loop_benchmark(benchmark::State& state, Loop loop) {
  std::vector<float>& y = loop_data();
  std::fill(y.begin(), y.end(), 0.0F);
  float* data = y.data();
  for (auto _ : state) {
    loop(data, y.size());
    benchmark::ClobberMemory();
  }
  check_loop(state, y);
  report_items(state, kLoopSize);
}

void parallel_for_serial(benchmark::State& state) {
  run_loop_benchmark(state, [](float* y, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) loop_body(y, i);
  });
}

void parallel_for_pardo(benchmark::State& state) {
  run_loop_benchmark(state, [](float* y, std::size_t n) {
    g_pool->parallel_for(std::size_t{0}, n, [y](std::size_t i) { loop_body(y, i); });
  });
}

void parallel_for_tbb(benchmark::State& state) {
  run_loop_benchmark(state, [](float* y, std::size_t n) {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n),
                      [y](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t i = r.begin(); i != r.end(); ++i) loop_body(y, i);
                      });
  });
}

void parallel_for_omp(benchmark::State& state) {
  run_loop_benchmark(state, [](float* y, std::size_t n) {
#pragma omp parallel for
    for (std::size_t i = 0; i < n; ++i) loop_body(y, i);
  });
}

// ---------------------------------------------------------------------------------------
// map_reduce_50M: sum of i * 0.5 for i in [0, N). Every partial sum is a multiple of 0.5
// below 2^53, so the result is exact whatever the order of additions.

constexpr double kReduceExpected = 0.5 * (double(kReduceSize) * double(kReduceSize - 1) / 2.0);

inline double reduce_map(int i) { return i * 0.5; }

// TBB's deterministic reduce uses simple_partitioner, which splits down to the grainsize:
// use pardo's leaf size (1024 inputs) rather than the default of 1.
constexpr int kDeterministicGrain = 1024;

template <class Reduce>
void run_reduce_benchmark(benchmark::State& state, Reduce reduce) {
  double sum = 0.0;
  for (auto _ : state) {
    sum = reduce(kReduceSize);
    keep(sum);
  }
  if (sum != kReduceExpected) state.SkipWithError("map_reduce returned a wrong sum");
  report_items(state, kReduceSize);
}

void map_reduce_serial(benchmark::State& state) {
  run_reduce_benchmark(state, [](int n) {
    double acc = 0.0;
    for (int i = 0; i < n; ++i) acc += reduce_map(i);
    return acc;
  });
}

void map_reduce_pardo(benchmark::State& state) {
  run_reduce_benchmark(state, [](int n) {
    // A lambda, not the function's name: pardo calls map_fn behind a virtual boundary
    // (RangeBody::run), where a function pointer is no longer a constant and is not inlined.
    return g_pool->map_reduce(
        std::views::iota(0, n), [](int i) { return reduce_map(i); }, std::plus<>{}, 0.0);
  });
}

double tbb_reduce_body(const tbb::blocked_range<int>& r, double acc) {
  for (int i = r.begin(); i != r.end(); ++i) acc += reduce_map(i);
  return acc;
}

void map_reduce_tbb(benchmark::State& state) {
  run_reduce_benchmark(state, [](int n) {
    return tbb::parallel_reduce(tbb::blocked_range<int>(0, n), 0.0, tbb_reduce_body, std::plus<>{});
  });
}

void map_reduce_tbb_deterministic(benchmark::State& state) {
  run_reduce_benchmark(state, [](int n) {
    return tbb::parallel_deterministic_reduce(tbb::blocked_range<int>(0, n, kDeterministicGrain),
                                              0.0, tbb_reduce_body, std::plus<>{});
  });
}

void map_reduce_omp(benchmark::State& state) {
  run_reduce_benchmark(state, [](int n) {
    double acc = 0.0;
#pragma omp parallel for reduction(+ : acc)
    for (int i = 0; i < n; ++i) acc += reduce_map(i);
    return acc;
  });
}

// ---------------------------------------------------------------------------------------
// fib

long long fib_serial(int n) { return n < 2 ? n : fib_serial(n - 1) + fib_serial(n - 2); }

long long fib_pardo(pardo::ThreadPool& pool, int n) {
  if (n < kFibCutoff) return fib_serial(n);
  pardo::Future<long long> left = pool.submit([&pool, n] { return fib_pardo(pool, n - 1); });
  const long long right = fib_pardo(pool, n - 2);
  return left.get() + right;
}

long long fib_tbb(int n) {
  if (n < kFibCutoff) return fib_serial(n);
  long long left = 0;
  tbb::task_group group;
  group.run([&left, n] { left = fib_tbb(n - 1); });
  const long long right = fib_tbb(n - 2);
  group.wait();
  return left + right;
}

long long fib_omp(int n) {
  if (n < kFibCutoff) return fib_serial(n);
  long long left = 0;
#pragma omp task shared(left) firstprivate(n)
  left = fib_omp(n - 1);
  const long long right = fib_omp(n - 2);
#pragma omp taskwait
  return left + right;
}

long long fib_async(int n, int depth) {
  if (n < kFibCutoff || depth >= kFibAsyncDepth) return fib_serial(n);
  std::future<long long> left = std::async(std::launch::async, fib_async, n - 1, depth + 1);
  const long long right = fib_async(n - 2, depth + 1);
  return left.get() + right;
}

template <class Fib>
void run_fib_benchmark(benchmark::State& state, Fib fib) {
  long long result = 0;
  for (auto _ : state) {
    result = fib(kFibN);
    keep(result);
  }
  if (result != kFib30) state.SkipWithError("fib returned a wrong value");
}

void fib_bench_serial(benchmark::State& state) { run_fib_benchmark(state, fib_serial); }

void fib_bench_pardo(benchmark::State& state) {
  run_fib_benchmark(state, [](int n) {
    pardo::ThreadPool& pool = *g_pool;
    return pool.submit([&pool, n] { return fib_pardo(pool, n); }).get();
  });
}

void fib_bench_tbb(benchmark::State& state) { run_fib_benchmark(state, fib_tbb); }

void fib_bench_omp(benchmark::State& state) {
  run_fib_benchmark(state, [](int n) {
    long long result = 0;
#pragma omp parallel
#pragma omp single
    result = fib_omp(n);
    return result;
  });
}

void fib_bench_async(benchmark::State& state) {
  run_fib_benchmark(state, [](int n) { return fib_async(n, 0); });
}

// ---------------------------------------------------------------------------------------

using BenchFn = void (*)(benchmark::State&);

void add(const std::string& name, BenchFn fn) {
  benchmark::RegisterBenchmark(name.c_str(), fn)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond)
      ->MinTime(kMinTime)
      ->MinWarmUpTime(kWarmUpTime);
}

std::size_t thread_count() {
  if (const char* env = std::getenv("PARDO_BENCH_THREADS")) {
    const long requested = std::strtol(env, nullptr, 10);
    if (requested > 0) return static_cast<std::size_t>(requested);
  }
  return std::max<std::size_t>(1, std::thread::hardware_concurrency());
}

}  // namespace

int main(int argc, char** argv) {
  g_threads = thread_count();
  tbb::global_control tbb_threads(tbb::global_control::max_allowed_parallelism, g_threads);
  omp_set_num_threads(static_cast<int>(g_threads));
  pardo::ThreadPool pool(g_threads);
  g_pool = &pool;

  benchmark::AddCustomContext("threads", std::to_string(g_threads));
  benchmark::AddCustomContext("pardo_version", std::string(pardo::version()));
  benchmark::AddCustomContext(
      "tbb_version", std::to_string(TBB_VERSION_MAJOR) + "." + std::to_string(TBB_VERSION_MINOR));
  benchmark::AddCustomContext("openmp", std::to_string(_OPENMP));
  benchmark::AddCustomContext("spawn_tasks", std::to_string(kSpawnTasks));
  benchmark::AddCustomContext("async_window", std::to_string(kAsyncWindow));
  benchmark::AddCustomContext(
      "fib", "fib(" + std::to_string(kFibN) + "), serial below " + std::to_string(kFibCutoff));

  add("spawn_200k/pardo", spawn_pardo);
  add("spawn_200k/pardo_in_worker", spawn_pardo_in_worker);
  add("spawn_200k/pardo_traced", spawn_pardo_traced);
  add("spawn_200k/tbb", spawn_tbb);
  add("trace_200k/pardo_traced", trace_record_events);
  add("spawn_200k/omp", spawn_omp);
  benchmark::RegisterBenchmark("spawn_200k/async", spawn_async)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1);

  add("parallel_for_50M/serial", parallel_for_serial);
  add("parallel_for_50M/pardo", parallel_for_pardo);
  add("parallel_for_50M/tbb", parallel_for_tbb);
  add("parallel_for_50M/omp", parallel_for_omp);

  add("map_reduce_50M/serial", map_reduce_serial);
  add("map_reduce_50M/pardo", map_reduce_pardo);
  add("map_reduce_50M/tbb", map_reduce_tbb);
  add("map_reduce_50M/tbb_deterministic", map_reduce_tbb_deterministic);
  add("map_reduce_50M/omp", map_reduce_omp);

  add("fib/serial", fib_bench_serial);
  add("fib/pardo", fib_bench_pardo);
  add("fib/tbb", fib_bench_tbb);
  add("fib/omp", fib_bench_omp);
  add("fib/async", fib_bench_async);

  register_flow_benchmarks(pool, g_threads, add);

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_pool = nullptr;
  return 0;
}
