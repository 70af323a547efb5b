// parallel_for: every index once, any integer type, errors by index.
#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "support.hpp"

namespace pardo::test {
namespace {

class ParallelFor : public OnEveryExecutor {};

TEST_P(ParallelFor, VisitsEveryIndexExactlyOnce) {
  with_executor([](auto& ex) {
    for (Schedule schedule : {Schedule::automatic, Schedule::static_blocks, Schedule::round_robin,
                              Schedule::dynamic, Schedule::guided}) {
      for (std::size_t chunksize : {0u, 1u, 3u, 100000u}) {
        std::vector<std::atomic<int>> hits(10007);
        ex.parallel_for(std::size_t{0}, hits.size(), [&](std::size_t i) { ++hits[i]; },
                        {chunksize, schedule});
        for (std::size_t i = 0; i < hits.size(); ++i) {
          ASSERT_EQ(hits[i].load(), 1)
              << to_string(schedule) << " chunksize " << chunksize << " i " << i;
        }
      }
    }
  });
}

TEST_P(ParallelFor, NegativeAndNarrowRanges) {
  with_executor([](auto& ex) {
    std::atomic<long> sum{0};
    ex.parallel_for(-50, 50, [&](int i) { sum += i; });
    EXPECT_EQ(sum.load(), -50);
    std::atomic<int> count{0};
    ex.parallel_for(std::int8_t{-128}, std::int8_t{127}, [&](std::int8_t) { ++count; });
    EXPECT_EQ(count.load(), 255);
    ex.parallel_for(5, 5, [&](int) { ++count; });
    EXPECT_EQ(count.load(), 255);
  });
}

TEST_P(ParallelFor, FirstAfterLastNamesBoth) {
  with_executor([](auto& ex) {
    try {
      ex.parallel_for(5, 3, [](int) {});
      FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
      EXPECT_STREQ(e.what(), "parallel_for: first (5) > last (3)");
    }
  });
}

TEST_P(ParallelFor, RethrowsTheFirstErrorByIndex) {
  with_executor([](auto& ex) {
    try {
      ex.parallel_for(0, 10000,
                      [](int i) {
                        if (i % 1000 == 999) throw std::runtime_error(std::to_string(i));
                      },
                      {7, Schedule::guided});
      FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "999");
    }
  });
}

PARDO_ON_EVERY_EXECUTOR(ParallelFor);

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
