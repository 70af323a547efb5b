// map_reduce: the same bits on every kind, schedule and chunksize; input order kept; exact
// for integers (a left fold's result); the identity for empty inputs; the map's error.
#include <bit>
#include <cstdint>
#include <functional>
#include <numeric>
#include <ranges>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "contract.hpp"

namespace pardo::test {
namespace {

using namespace contract;

PARDO_CONTRACT_SUITE(MapReduce);

/// Input sizes: across a leaf boundary (1024), and, in process only, past the largest leaf
/// (1024 inputs from 2^20 on): a remote pool sends every input to a worker.
template <class Kind>
std::vector<int> sizes() {
  if (Kind::remote) return {1, 5, 1000, 1023, 1024, 5000};
  return {1, 5, 1000, 1023, 1024, 5000, 100'000, 1'234'567};
}

TYPED_TEST(MapReduce, BitIdenticalForEveryScheduleAndChunksize) {
  auto& ex = this->ex();
  SerialExecutor serial;
  ThreadPool threads(3);
  for (const int n : sizes<TypeParam>()) {
    const auto inputs = std::views::iota(0, n);
    const double expected = serial.map_reduce(inputs, magnitudes, std::plus<>{}, 0.0);
    ASSERT_EQ(
        std::bit_cast<std::uint64_t>(threads.map_reduce(inputs, magnitudes, std::plus<>{}, 0.0)),
        std::bit_cast<std::uint64_t>(expected))
        << "n " << n;
    for (Schedule schedule : all_schedules) {
      for (std::size_t chunksize : {0u, 1u, 13u, 1000u, 77777u}) {
        const double got =
            ex.map_reduce(inputs, magnitudes, std::plus<>{}, 0.0, {chunksize, schedule});
        ASSERT_EQ(std::bit_cast<std::uint64_t>(got), std::bit_cast<std::uint64_t>(expected))
            << "n " << n << " " << to_string(schedule) << " chunksize " << chunksize;
      }
    }
  }
  // Doubles in, doubles out, against a thread pool's result.
  const auto xs = double_iota(10'001);
  ThreadPool two(2);
  const double local = two.map_reduce(xs, wiggle, std::plus<>{}, 0.0);
  for (Schedule schedule : all_schedules) {
    EXPECT_EQ(std::bit_cast<std::uint64_t>(
                  ex.map_reduce(xs, wiggle, std::plus<>{}, 0.0, {.schedule = schedule})),
              std::bit_cast<std::uint64_t>(local))
        << to_string(schedule);
  }
}

TYPED_TEST(MapReduce, KeepsInputOrderForNonCommutativeCombine) {
  auto& ex = this->ex();
  const std::string joined =
      ex.map_reduce(iota_vector(3000), letter,
                    [](std::string a, const std::string& b) { return std::move(a) + b; },
                    std::string{}, {3, Schedule::dynamic});
  ASSERT_EQ(joined.size(), 3000u);
  for (std::size_t i = 0; i < joined.size(); ++i) {
    ASSERT_EQ(joined[i], 'a' + static_cast<int>(i % 26)) << i;
  }
}

TYPED_TEST(MapReduce, IntegersGiveTheLeftFoldExactly) {
  auto& ex = this->ex();
  // A product of matrices modulo 2^64: exact, associative and not commutative, so the
  // result is the left fold's only if every input kept its place.
  for (const int n : {1, 4, 1000, 5000}) {
    const auto inputs = iota_vector(n);
    Matrix fold = identity_matrix;
    for (const int i : inputs) fold = MatrixProduct{}(fold, matrix_of(i));
    for (Schedule schedule : all_schedules) {
      for (std::size_t chunksize : {0u, 1u, 7u}) {
        EXPECT_EQ(ex.map_reduce(inputs, matrix_of, MatrixProduct{}, identity_matrix,
                                {chunksize, schedule}),
                  fold)
            << "n " << n << " " << to_string(schedule) << " chunksize " << chunksize;
      }
    }
  }
  const long n = TypeParam::remote ? 100'000 : 1'000'000;
  const long sum = ex.map_reduce(std::views::iota(0L, n), same_long, std::plus<>{}, 0L);
  EXPECT_EQ(sum, n * (n - 1) / 2);
}

TYPED_TEST(MapReduce, EmptyInputReturnsTheIdentity) {
  auto& ex = this->ex();
  EXPECT_EQ(ex.map_reduce(std::vector<int>{}, affine, std::plus<>{}, 42), 42);
  EXPECT_EQ(ex.map_reduce(std::vector<int>{}, term, std::plus<>{}, 1.5), 1.5);
  EXPECT_EQ(ex.map_reduce(std::views::iota(0, 0), matrix_of, MatrixProduct{}, identity_matrix,
                          {1, Schedule::round_robin}),
            identity_matrix);
}

TYPED_TEST(MapReduce, RethrowsTheMapFunctionsError) {
  auto& ex = this->ex();
  expect_error<TypeParam, std::underflow_error>(
      [&] { ex.map_reduce(std::views::iota(0, 10000), underflow_at_5000, std::plus<>{}, 0); },
      "std::underflow_error", "5000");
  EXPECT_EQ(ex.map_reduce(std::views::iota(0, 100), underflow_at_5000, std::plus<>{}, 0), 4950);
}

}  // namespace
}  // namespace pardo::test
