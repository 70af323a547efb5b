// map, map_async and starmap: order, errors, schedules and chunk sizes.
#include <atomic>
#include <numeric>
#include <ranges>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "support.hpp"

namespace pardo::test {
namespace {

const std::vector<Schedule> all_schedules{Schedule::automatic, Schedule::static_blocks,
                                          Schedule::round_robin, Schedule::dynamic,
                                          Schedule::guided};

class Map : public OnEveryExecutor {};

TEST_P(Map, KeepsInputOrderForEveryScheduleAndChunksize) {
  with_executor([](auto& ex) {
    const auto xs = iota_vector(1001);
    for (Schedule schedule : all_schedules) {
      for (std::size_t chunksize : {0u, 1u, 7u, 5000u}) {
        const auto ys = ex.map([](int x) { return 3 * x + 1; }, xs, {chunksize, schedule});
        ASSERT_EQ(ys.size(), xs.size());
        for (std::size_t i = 0; i < xs.size(); ++i) {
          ASSERT_EQ(ys[i], 3 * xs[i] + 1) << to_string(schedule) << " chunksize " << chunksize;
        }
      }
    }
  });
}

TEST_P(Map, AcceptsViewsAndNonDefaultConstructibleResults) {
  with_executor([](auto& ex) {
    struct NoDefault {
      explicit NoDefault(int v) : value(v) {}
      int value;
    };
    const auto ys = ex.map([](int x) { return NoDefault(x); }, std::views::iota(0, 100));
    ASSERT_EQ(ys.size(), 100u);
    EXPECT_EQ(ys[99].value, 99);
    const auto flags = ex.map([](int x) { return x % 2 == 0; }, std::views::iota(0, 10));
    EXPECT_EQ(flags,
              (std::vector<bool>{true, false, true, false, true, false, true, false, true, false}));
  });
}

TEST_P(Map, RethrowsTheFirstErrorByInputOrder) {
  with_executor([](auto& ex) {
    const auto xs = iota_vector(2000);
    for (Schedule schedule : all_schedules) {
      try {
        ex.map(
            [](int x) {
              if (x == 1500) throw std::range_error("1500");
              if (x == 300) throw std::domain_error("300");
              return x;
            },
            xs, {4, schedule});
        FAIL() << "no exception";
      } catch (const std::domain_error& e) {
        EXPECT_STREQ(e.what(), "300") << to_string(schedule);
      }
    }
  });
}

TEST_P(Map, ChunksAfterAFailureDoNotStart) {
  with_executor([](auto& ex) {
    std::atomic<int> calls{0};
    const auto xs = iota_vector(100000);
    // Items after the first take a little time, so that without the skip the map would make
    // 100 000 calls (two seconds); with it, only the chunks already started finish.
    EXPECT_THROW(ex.map(
                     [&calls](int x) {
                       ++calls;
                       if (x == 0) throw std::runtime_error("first");
                       std::this_thread::sleep_for(std::chrono::microseconds(20));
                       return x;
                     },
                     xs, {10, Schedule::dynamic}),
                 std::runtime_error);
    EXPECT_LT(calls.load(), 5000);
  });
}

TEST_P(Map, EmptyInputReturnsEmptyWithoutTouchingWorkers) {
  with_executor([](auto& ex) {
    ex.shutdown();
    const auto ys = ex.map([](int x) { return x; }, std::vector<int>{});
    EXPECT_TRUE(ys.empty());
  });
}

TEST_P(Map, UnknownScheduleNamesTheValue) {
  with_executor([](auto& ex) {
    try {
      ex.map([](int x) { return x; }, iota_vector(3), {0, static_cast<Schedule>(17)});
      FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
      EXPECT_STREQ(e.what(), "map: unknown schedule Schedule(17)");
    }
  });
}

TEST_P(Map, MapAsyncDeliversTheWholeVector) {
  with_executor([](auto& ex) {
    auto f = ex.map_async([](int x) { return x * x; }, iota_vector(500), {16, Schedule::dynamic});
    const std::vector<int>& ys = f.get();
    ASSERT_EQ(ys.size(), 500u);
    EXPECT_EQ(ys[499], 499 * 499);
    auto failing = ex.map_async([](int x) -> int { throw std::logic_error(std::to_string(x)); },
                                iota_vector(10));
    EXPECT_THROW(failing.get(), std::logic_error);
  });
}

TEST_P(Map, StarmapUnpacksTuples) {
  with_executor([](auto& ex) {
    std::vector<std::tuple<int, double, std::string>> args;
    for (int i = 0; i < 50; ++i)
      args.emplace_back(i, 0.5 * i, std::string(static_cast<std::size_t>(i % 4), 'x'));
    const auto out = ex.starmap(
        [](int a, double b, const std::string& s) {
          return std::to_string(a) + ":" + std::to_string(b + 0.5) + s;
        },
        args);
    ASSERT_EQ(out.size(), 50u);
    EXPECT_EQ(out[3], "3:2.000000xxx");
  });
}

PARDO_ON_EVERY_EXECUTOR(Map);

TEST(MapSchedules, StaticBlocksGiveEachWorkerOneContiguousPortion) {
  ThreadPool pool(4);
  const auto who = pool.map([&pool](int) { return *pool.worker_index(); }, iota_vector(400),
                            {0, Schedule::static_blocks});
  for (std::size_t i = 0; i < who.size(); ++i) EXPECT_EQ(who[i], i / 100) << i;
}

TEST(MapSchedules, RoundRobinDealsChunkIToWorkerIModW) {
  ThreadPool pool(3);
  const auto who = pool.map([&pool](int) { return *pool.worker_index(); }, iota_vector(90),
                            {5, Schedule::round_robin});
  for (std::size_t i = 0; i < who.size(); ++i) EXPECT_EQ(who[i], (i / 5) % 3) << i;
}

}  // namespace
}  // namespace pardo::test
