// Stress: a million tiny tasks, pools made and destroyed in a loop, concurrent submitters.
#include <atomic>
#include <thread>
#include <vector>

#include "support.hpp"

namespace pardo::test {
namespace {

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr int million = 200'000;  // sanitizers slow each task ten-fold; keep the test short
#else
constexpr int million = 1'000'000;
#endif

class Stress : public OnEveryPoolSize {};

TEST_P(Stress, AMillionTinyTasks) {
  ThreadPool pool(GetParam());
  std::atomic<long> sum{0};
  std::vector<Future<void>> futures;
  futures.reserve(million);
  for (int i = 0; i < million; ++i) {
    futures.push_back(pool.submit([&sum, i] { sum.fetch_add(i, std::memory_order_relaxed); }));
  }
  for (auto& f : futures) f.get();
  EXPECT_EQ(sum.load(), static_cast<long>(million) * (million - 1) / 2);
}

TEST_P(Stress, AMillionIterationsOfTinyLoopBodies) {
  ThreadPool pool(GetParam());
  std::vector<int> out(static_cast<std::size_t>(million));
  pool.parallel_for(0, million, [&out](int i) { out[static_cast<std::size_t>(i)] = i; },
                    {1, Schedule::automatic});
  for (int i = 0; i < million; ++i) ASSERT_EQ(out[static_cast<std::size_t>(i)], i);
}

TEST_P(Stress, ConcurrentSubmittersFromOutside) {
  ThreadPool pool(GetParam());
  std::atomic<long> total{0};
  std::vector<std::thread> submitters;
  for (int t = 0; t < 4; ++t) {
    submitters.emplace_back([&pool, &total] {
      std::vector<Future<int>> futures;
      for (int i = 0; i < 5000; ++i) futures.push_back(pool.submit([i] { return i; }));
      for (auto& f : futures) total += f.get();
    });
  }
  for (auto& s : submitters) s.join();
  EXPECT_EQ(total.load(), 4L * 5000 * 4999 / 2);
}

TEST_P(Stress, PoolsMadeAndDestroyed) {
  for (int round = 0; round < 50; ++round) {
    ThreadPool pool(GetParam());
    auto f = pool.submit([round] { return round; });
    EXPECT_EQ(f.get(), round);
  }
}

TEST_P(Stress, DeepRecursionSplitsAndJoins) {
  ThreadPool pool(GetParam());
  std::function<long(int, int)> sum_range = [&](int lo, int hi) -> long {
    if (hi - lo <= 64) {
      long s = 0;
      for (int i = lo; i < hi; ++i) s += i;
      return s;
    }
    const int mid = lo + (hi - lo) / 2;
    auto left = pool.submit(sum_range, lo, mid);
    const long right = sum_range(mid, hi);
    return left.get() + right;
  };
  EXPECT_EQ(pool.submit(sum_range, 0, 1 << 20).get(), (1L << 20) * ((1L << 20) - 1) / 2);
}

PARDO_ON_EVERY_POOL_SIZE(Stress);

}  // namespace
}  // namespace pardo::test
