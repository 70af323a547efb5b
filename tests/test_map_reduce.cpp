// map_reduce: the same bits for every worker count, schedule and chunksize.
#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>
#include <ranges>
#include <stdexcept>
#include <string>
#include <vector>

#include "support.hpp"

namespace pardo::test {
namespace {

std::uint64_t bits(double x) {
  std::uint64_t b = 0;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// Terms of wildly different magnitudes, so any change of summation order shows in the bits.
double term(int i) { return std::sin(i) * std::pow(10.0, (i % 17) - 8); }

double reference(std::size_t n) {
  SerialExecutor serial;
  return serial.map_reduce(std::views::iota(0, static_cast<int>(n)), term, std::plus<>{}, 0.0);
}

class MapReduce : public OnEveryExecutor {};

TEST_P(MapReduce, BitIdenticalForEveryScheduleAndChunksize) {
  for (std::size_t n : {1u, 5u, 1023u, 1024u, 100'000u, 1'234'567u}) {
    const double expected = reference(n);
    with_executor([&](auto& ex) {
      for (Schedule schedule : {Schedule::automatic, Schedule::static_blocks, Schedule::round_robin,
                                Schedule::dynamic, Schedule::guided}) {
        for (std::size_t chunksize : {0u, 1u, 1000u, 77777u}) {
          const double got = ex.map_reduce(std::views::iota(0, static_cast<int>(n)), term,
                                           std::plus<>{}, 0.0, {chunksize, schedule});
          ASSERT_EQ(bits(got), bits(expected))
              << "n " << n << " " << to_string(schedule) << " chunksize " << chunksize;
        }
      }
    });
  }
}

TEST_P(MapReduce, KeepsInputOrderForNonCommutativeCombine) {
  with_executor([](auto& ex) {
    std::vector<int> xs(3000);
    std::iota(xs.begin(), xs.end(), 0);
    const std::string joined = ex.map_reduce(
        xs, [](int x) { return std::string(1, static_cast<char>('a' + x % 26)); },
        [](std::string a, const std::string& b) { return std::move(a) + b; }, std::string{},
        {3, Schedule::dynamic});
    ASSERT_EQ(joined.size(), 3000u);
    for (std::size_t i = 0; i < joined.size(); ++i)
      ASSERT_EQ(joined[i], 'a' + static_cast<int>(i % 26));
  });
}

TEST_P(MapReduce, EmptyInputReturnsTheIdentity) {
  with_executor([](auto& ex) {
    EXPECT_EQ(ex.map_reduce(
                  std::vector<int>{}, [](int x) { return x; }, std::plus<>{}, 42),
              42);
  });
}

TEST_P(MapReduce, RethrowsTheMapFunctionsError) {
  with_executor([](auto& ex) {
    EXPECT_THROW(ex.map_reduce(
                     std::views::iota(0, 10000),
                     [](int x) {
                       if (x == 5000) throw std::underflow_error("5000");
                       return x;
                     },
                     std::plus<>{}, 0),
                 std::underflow_error);
  });
}

PARDO_ON_EVERY_EXECUTOR(MapReduce);

TEST(MapReduceExact, IntegerSumIsExact) {
  ThreadPool pool(2);
  const long n = 1'000'000;
  const long sum = pool.map_reduce(
      std::views::iota(0L, n), [](long x) { return x; }, std::plus<>{}, 0L);
  EXPECT_EQ(sum, n * (n - 1) / 2);
}

}  // namespace
}  // namespace pardo::test
