// Tasks that wait on tasks: fork-join without deadlock, nested loops, sleeping when idle.
#include <atomic>
#include <ctime>
#include <functional>
#include <numeric>
#include <ranges>
#include <vector>

#include "support.hpp"

namespace pardo::test {
namespace {

long fib(ThreadPool& pool, int n) {
  if (n < 2) return n;
  auto left = pool.submit([&pool, n] { return fib(pool, n - 1); });
  const long right = fib(pool, n - 2);
  return left.get() + right;
}

class Nested : public OnEveryPoolSize {};

TEST_P(Nested, TaskWaitsOnItsOwnSubtask) {
  ThreadPool pool(GetParam());
  auto outer = pool.submit([&pool] {
    auto inner = pool.submit([] { return 20; });
    return inner.get() + 1;
  });
  EXPECT_EQ(outer.get(), 21);
}

TEST_P(Nested, AllWorkersWaitingOnQueuedWork) {
  ThreadPool pool(GetParam());
  std::vector<Future<int>> outers;
  for (std::size_t i = 0; i < 4 * GetParam(); ++i) {
    outers.push_back(pool.submit([&pool, i] {
      std::vector<Future<int>> inner;
      for (int k = 0; k < 10; ++k) inner.push_back(pool.submit([k] { return k; }));
      int sum = 0;
      for (auto& f : inner) sum += f.get();
      return sum + static_cast<int>(i);
    }));
  }
  for (std::size_t i = 0; i < outers.size(); ++i)
    EXPECT_EQ(outers[i].get(), 45 + static_cast<int>(i));
}

TEST_P(Nested, RecursiveForkJoin) {
  ThreadPool pool(GetParam());
  auto f = pool.submit([&pool] { return fib(pool, 20); });
  EXPECT_EQ(f.get(), 6765);
}

TEST_P(Nested, LoopsInsideLoops) {
  ThreadPool pool(GetParam());
  const auto rows = pool.map(
      [&pool](int r) {
        return pool.map_reduce(
            std::views::iota(0, 100), [r](int c) { return r * c; }, std::plus<>{}, 0);
      },
      std::views::iota(0, 50));
  for (int r = 0; r < 50; ++r) EXPECT_EQ(rows[static_cast<std::size_t>(r)], r * 4950);
}

TEST_P(Nested, StaticScheduleInsideATask) {
  ThreadPool pool(GetParam());
  auto f = pool.submit([&pool] {
    std::atomic<int> n{0};
    pool.parallel_for(0, 1000, [&n](int) { ++n; }, {0, Schedule::static_blocks});
    return n.load();
  });
  EXPECT_EQ(f.get(), 1000);
}

TEST_P(Nested, WaitingOnAPromiseFromATask) {
  ThreadPool pool(GetParam());
  Promise<int> p;
  auto consumer = pool.submit([f = p.get_future()] { return f.get() * 2; });
  std::this_thread::sleep_for(5ms);
  p.set_value(8);
  EXPECT_EQ(consumer.get(), 16);
}

TEST_P(Nested, IdlePoolUsesNoMeasurableCpu) {
  ThreadPool pool(GetParam());
  pool.map([](int x) { return x; }, std::views::iota(0, 1000));
  std::this_thread::sleep_for(50ms);  // past the spinning phase
  std::timespec before{}, after{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &before);
  std::this_thread::sleep_for(300ms);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &after);
  const double cpu = static_cast<double>(after.tv_sec - before.tv_sec) +
                     1e-9 * static_cast<double>(after.tv_nsec - before.tv_nsec);
  EXPECT_LT(cpu, 0.01) << "CPU seconds used by an idle pool in 0.3 s";
}

PARDO_ON_EVERY_POOL_SIZE(Nested);

}  // namespace
}  // namespace pardo::test
