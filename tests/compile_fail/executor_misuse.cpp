// Must not compile: each EXECUTOR_MISUSE case is a mistake the executors catch at compile
// time, with the message its ctest (executor.misuse_fails_to_compile.*) looks for. Case 0 is
// correct use and must compile.
#include <list>
#include <pardo/process/process_pool.hpp>
#include <pardo/remote/remote.hpp>
#include <pardo/threads/thread_pool.hpp>
#include <vector>

double half(double x) { return x / 2; }
PARDO_REMOTE(half);

#if EXECUTOR_MISUSE == 9
// A raw pointer cannot travel to a worker process.
double first(const double* values) { return values[0]; }
PARDO_REMOTE(first);
#endif

struct Halve {
  double operator()(double x) const { return x / 2; }
};

void misuse(pardo::ThreadPool& threads, pardo::ProcessPool& processes) {
  [[maybe_unused]] const std::vector<double> xs{1.0, 2.0};
  [[maybe_unused]] const std::list<double> list{1.0, 2.0};
#if EXECUTOR_MISUSE == 1
  // A lambda's code cannot be found in another process...
  (void)processes.map([](double x) { return x; }, xs);
#elif EXECUTOR_MISUSE == 2
  (void)processes.submit([](double x) { return x; }, 1.0);
#elif EXECUTOR_MISUSE == 3
  // ...nor a function object's.
  (void)processes.map(Halve{}, xs);
#elif EXECUTOR_MISUSE == 4
  (void)processes.submit(Halve{}, 1.0);
#elif EXECUTOR_MISUSE == 5
  // The map family takes sized random-access ranges: not a number...
  (void)threads.map(half, 3);
#elif EXECUTOR_MISUSE == 6
  // ...nor a list.
  (void)threads.map(half, list);
#elif EXECUTOR_MISUSE == 7
  (void)processes.map(half, 3);
#elif EXECUTOR_MISUSE == 8
  (void)processes.map(half, list);
#else
  (void)threads.map([](double x) { return x; }, xs);
  (void)threads.map(Halve{}, xs);
  (void)threads.submit(half, 1.0);
  (void)processes.map(half, xs);
  (void)processes.submit(half, 1.0);
#endif
}
