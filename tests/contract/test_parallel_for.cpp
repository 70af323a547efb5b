// parallel_for: every index once, any integer type, bounds checked, the first error by index.
// Each call records its index where it ran; the test collects the records from every worker.
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "contract.hpp"

namespace pardo::test {
namespace {

using namespace contract;

PARDO_CONTRACT_SUITE(ParallelFor);

TYPED_TEST(ParallelFor, VisitsEveryIndexExactlyOnce) {
  auto& ex = this->ex();
  this->visited();
  const std::size_t n = 10007;
  for (Schedule schedule : all_schedules) {
    for (std::size_t chunksize : {0u, 1u, 3u, 100000u}) {
      ex.parallel_for(std::size_t{0}, n, record_unsigned_visit, {chunksize, schedule});
      EXPECT_EQ(this->visited(), each_once(0, static_cast<std::int64_t>(n)))
          << to_string(schedule) << " chunksize " << chunksize;
    }
  }
}

TYPED_TEST(ParallelFor, NegativeAndNarrowRanges) {
  auto& ex = this->ex();
  this->visited();
  ex.parallel_for(-50, 50, record_visit);
  const auto around_zero = this->visited();
  EXPECT_EQ(around_zero, each_once(-50, 50));
  EXPECT_EQ(std::accumulate(around_zero.begin(), around_zero.end(), std::int64_t{0}), -50);

  ex.parallel_for(std::int8_t{-128}, std::int8_t{127}, record_narrow_visit);
  EXPECT_EQ(this->visited(), each_once(-128, 127));  // 255 indices

  ex.parallel_for(std::int64_t{1} << 40, (std::int64_t{1} << 40) + 3, record_visit, {1});
  EXPECT_EQ(this->visited(), each_once(std::int64_t{1} << 40, (std::int64_t{1} << 40) + 3));

  ex.parallel_for(5, 5, record_visit);
  ex.parallel_for(std::int8_t{-3}, std::int8_t{-3}, record_narrow_visit, {1});
  EXPECT_TRUE(this->visited().empty());
}

TYPED_TEST(ParallelFor, FirstAfterLastThrowsNamingBoth) {
  auto& ex = this->ex();
  const auto message = [](auto call) { return invalid_argument_message(call); };
  this->visited();
  EXPECT_EQ(message([&] { ex.parallel_for(5, 3, record_visit); }),
            "parallel_for: first (5) > last (3)");
  EXPECT_EQ(message([&] {
              ex.parallel_for(-1, -3, record_visit, {1, Schedule::dynamic});
            }),
            "parallel_for: first (-1) > last (-3)");
  EXPECT_EQ(
      message([&] { ex.parallel_for(std::int8_t{100}, std::int8_t{-100}, record_narrow_visit); }),
      "parallel_for: first (100) > last (-100)");
  EXPECT_EQ(
      message([&] { ex.parallel_for(std::size_t{7}, std::size_t{6}, record_unsigned_visit); }),
      "parallel_for: first (7) > last (6)");
  EXPECT_TRUE(this->visited().empty());
}

TYPED_TEST(ParallelFor, RethrowsTheFirstErrorByIndex) {
  auto& ex = this->ex();
  for (Schedule schedule : all_schedules) {
    SCOPED_TRACE(to_string(schedule));
    expect_error<TypeParam, std::runtime_error>(
        [&] {
          ex.parallel_for(0, 10000, fail_every_1000th, {7, schedule});
        },
        "std::runtime_error", "999");
  }
  expect_error<TypeParam, std::runtime_error>(
      [&] {
        ex.parallel_for(0, 10000, fail_every_1000th, {1, Schedule::dynamic});
      },
      "std::runtime_error", "999");
  // The executor still works.
  this->visited();
  ex.parallel_for(0, 10, record_visit);
  EXPECT_EQ(this->visited(), each_once(0, 10));
}

}  // namespace
}  // namespace pardo::test
