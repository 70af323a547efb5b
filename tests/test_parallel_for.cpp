// ThreadPool's parallel_for: work stealing balances an uneven load. Every index once, any
// integer type and errors by index, on every backend: tests/contract/.
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "support.hpp"

namespace pardo::test {
namespace {

TEST(ParallelForLoad, AutomaticBalancesAnUnevenLoad) {
  ThreadPool pool(2);
  std::vector<std::atomic<int>> by_worker(2);
  // The first half is slow: work stealing must move part of it to the other worker.
  pool.parallel_for(0, 200, [&](int i) {
    if (i < 100) std::this_thread::sleep_for(std::chrono::microseconds(500));
    ++by_worker[*pool.worker_index()];
  });
  EXPECT_GT(by_worker[0].load(), 0);
  EXPECT_GT(by_worker[1].load(), 0);
}

}  // namespace
}  // namespace pardo::test
