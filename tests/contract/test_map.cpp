// map, map_async and starmap: input order for every schedule and chunksize, the first error
// by input order, empty inputs, bad options.
#include <gmock/gmock.h>

#include <functional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "contract.hpp"

namespace pardo::test {
namespace {

using namespace contract;

PARDO_CONTRACT_SUITE(Map);

TYPED_TEST(Map, KeepsInputOrderForEveryScheduleAndChunksize) {
  auto& ex = this->ex();
  const auto xs = iota_vector(1001);
  const auto expected = expected_values(affine, 1001);
  const auto terms = expected_values(term, 1000);
  const auto ts = iota_vector(1000);
  for (Schedule schedule : all_schedules) {
    // 1000 and 1001: one chunk as large as an input; 5000: larger than both.
    for (std::size_t chunksize : {0u, 1u, 7u, 1000u, 1001u, 5000u}) {
      EXPECT_EQ(ex.map(affine, xs, {chunksize, schedule}), expected)
          << to_string(schedule) << " chunksize " << chunksize;
      EXPECT_EQ(ex.map(term, ts, {chunksize, schedule}), terms)
          << to_string(schedule) << " chunksize " << chunksize;
    }
  }
}

TYPED_TEST(Map, StarmapAndMapAsyncKeepInputOrderForEveryScheduleAndChunksize) {
  auto& ex = this->ex();
  std::vector<std::pair<int, int>> pairs;
  std::vector<int> sums;
  for (int i = 0; i < 501; ++i) {
    pairs.emplace_back(i, 2 * i - 7);
    sums.push_back(3 * i - 7);
  }
  const auto xs = iota_vector(501);
  const auto expected = expected_values(affine, 501);
  for (Schedule schedule : all_schedules) {
    for (std::size_t chunksize : {0u, 1u, 7u, 1000u}) {
      EXPECT_EQ(ex.starmap(add, pairs, {chunksize, schedule}), sums)
          << to_string(schedule) << " chunksize " << chunksize;
      EXPECT_EQ(ex.map_async(affine, xs, {chunksize, schedule}).get(), expected)
          << to_string(schedule) << " chunksize " << chunksize;
    }
  }
}

TYPED_TEST(Map, ProgressCountsEveryCallOfEveryMap) {
  auto& ex = this->ex();
  const auto xs = iota_vector(1001);
  std::vector<std::pair<int, int>> pairs(300, {1, 2});
  const auto counted = [](auto&& run) {
    Progress progress;
    run(&progress);
    return progress.snapshot().done;
  };
  for (std::size_t chunksize : {0u, 1u, 7u, 1001u}) {
    EXPECT_EQ(
        counted([&](Progress* p) { ex.map(affine, xs, {.chunksize = chunksize, .progress = p}); }),
        1001u)
        << "map, chunksize " << chunksize;
    EXPECT_EQ(counted([&](Progress* p) {
                ex.map_async(affine, xs, {.chunksize = chunksize, .progress = p}).get();
              }),
              1001u)
        << "map_async, chunksize " << chunksize;
    EXPECT_EQ(counted([&](Progress* p) {
                ex.starmap(add, pairs, {.chunksize = chunksize, .progress = p});
              }),
              300u)
        << "starmap, chunksize " << chunksize;
    EXPECT_EQ(counted([&](Progress* p) {
                for ([[maybe_unused]] int y :
                     ex.imap(affine, xs, {.chunksize = chunksize, .progress = p})) {
                }
              }),
              1001u)
        << "imap, chunksize " << chunksize;
    EXPECT_EQ(counted([&](Progress* p) {
                for ([[maybe_unused]] const auto& entry :
                     ex.imap_unordered(affine, xs, {.chunksize = chunksize, .progress = p})) {
                }
              }),
              1001u)
        << "imap_unordered, chunksize " << chunksize;
  }
}

TYPED_TEST(Map, AcceptsViewsAndBoolResults) {
  auto& ex = this->ex();
  const auto ys = ex.map(affine, std::views::iota(0, 100));
  ASSERT_EQ(ys.size(), 100u);
  EXPECT_EQ(ys[99], 298);
  const std::vector<bool> flags = ex.map(is_even, std::views::iota(0, 10));
  EXPECT_EQ(flags,
            (std::vector<bool>{true, false, true, false, true, false, true, false, true, false}));
}

TYPED_TEST(Map, RethrowsTheFirstErrorByInputOrder) {
  auto& ex = this->ex();
  const auto xs = iota_vector(2000);
  for (Schedule schedule : all_schedules) {
    SCOPED_TRACE(to_string(schedule));
    // 300 fails first by input order, whatever fails first in time.
    expect_error<TypeParam, std::domain_error>(
        [&] {
          ex.map(fail_at_300_and_1500, xs, {4, schedule});
        },
        "std::domain_error", "300");
  }
  for (std::size_t chunksize : {1u, 16u, 0u}) {
    SCOPED_TRACE("chunksize " + std::to_string(chunksize));
    expect_error<TypeParam, std::runtime_error>(
        [&] { ex.map(fail_at, iota_vector(1000), {.chunksize = chunksize}); }, "std::runtime_error",
        "bad 10");
  }
  expect_error<TypeParam, std::runtime_error>(
      [&] { ex.map(fails_on_sevens, double_iota(100), {.chunksize = 3}); }, "std::runtime_error",
      "bad input 6.000000");
  // The executor still works.
  EXPECT_EQ(ex.map(fail_at, std::vector<int>{1, 2}), (std::vector<int>{1, 2}));
  EXPECT_EQ(ex.map(square, std::vector<double>{1, 2}), (std::vector<double>{1, 4}));
}

TYPED_TEST(Map, ChunksAfterAFailureDoNotStart) {
  auto& ex = this->ex();
  this->visited();
  // Inputs after the first take 20 us each, so that without the skip the map would make
  // 100 000 calls (two seconds per worker); with it, only the chunks already started run.
  expect_error<TypeParam, std::runtime_error>(
      [&] {
        ex.map(visit_and_fail_at_0, iota_vector(100'000), {10, Schedule::dynamic});
      },
      "std::runtime_error", "first");
  const auto calls = this->visited();
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.front(), 0);
  EXPECT_LT(calls.size(), 5000u);
}

TYPED_TEST(Map, EmptyInputsGiveEmptyResults) {
  auto& ex = this->ex();
  EXPECT_TRUE(ex.map(term, std::vector<int>{}).empty());
  EXPECT_TRUE(ex.map(term, std::views::iota(0, 0), {1, Schedule::static_blocks}).empty());
  EXPECT_TRUE(ex.map_async(term, std::vector<int>{}).get().empty());
  EXPECT_TRUE(ex.starmap(add, std::vector<std::pair<int, int>>{}).empty());
}

TYPED_TEST(Map, UnknownScheduleNamesTheValueAndTheCaller) {
  auto& ex = this->ex();
  const auto message = [](auto call) { return invalid_argument_message(call); };
  const MapOptions bad{0, static_cast<Schedule>(17)};
  const auto xs = iota_vector(3);
  EXPECT_EQ(message([&] { ex.map(affine, xs, bad); }), "map: unknown schedule Schedule(17)");
  EXPECT_EQ(message([&] {
              ex.map(affine, xs, {1, static_cast<Schedule>(42)});
            }),
            "map: unknown schedule Schedule(42)");
  EXPECT_EQ(message([&] { ex.map_async(affine, xs, bad); }),
            "map_async: unknown schedule Schedule(17)");
  EXPECT_EQ(message([&] { ex.imap(affine, xs, bad); }), "imap: unknown schedule Schedule(17)");
  EXPECT_EQ(message([&] { ex.imap_unordered(affine, xs, bad); }),
            "imap_unordered: unknown schedule Schedule(17)");
  EXPECT_EQ(message([&] { ex.parallel_for(0, 3, record_visit, bad); }),
            "parallel_for: unknown schedule Schedule(17)");
  // starmap and map_reduce are built on map on some backends and name it instead.
  EXPECT_THAT(message([&] {
                ex.starmap(add, std::vector<std::pair<int, int>>{{1, 2}}, bad);
              }),
              ::testing::EndsWith("map: unknown schedule Schedule(17)"));
  EXPECT_THAT(message([&] { ex.map_reduce(xs, affine, std::plus<>{}, 0, bad); }),
              ::testing::AnyOf("map_reduce: unknown schedule Schedule(17)",
                               "map: unknown schedule Schedule(17)"));
}

TYPED_TEST(Map, MapAsyncDeliversTheWholeVectorOrTheFirstError) {
  auto& ex = this->ex();
  auto f = ex.map_async(square, double_iota(500), {16, Schedule::dynamic});
  const std::vector<double>& ys = f.get();
  ASSERT_EQ(ys.size(), 500u);
  EXPECT_EQ(ys[499], 499.0 * 499.0);

  auto inputs = iota_vector(300);
  auto ok = ex.map_async(term, inputs);
  auto bad = ex.map_async(fail_at, inputs, {.chunksize = 5});
  inputs.clear();  // the executor holds its own copy
  EXPECT_EQ(ok.get(), expected_values(term, 300));
  expect_error<TypeParam, std::runtime_error>([&] { bad.get(); }, "std::runtime_error", "bad 10");
  auto failing = ex.map_async(always_fails, iota_vector(10));
  expect_error<TypeParam, std::logic_error>([&] { failing.get(); }, "std::logic_error", "0");
}

TYPED_TEST(Map, StarmapUnpacksTuplesAndPairs) {
  auto& ex = this->ex();
  std::vector<std::tuple<int, double, std::string>> args;
  for (int i = 0; i < 50; ++i) {
    args.emplace_back(i, 0.5 * i, std::string(static_cast<std::size_t>(i % 4), 'x'));
  }
  const auto out = ex.starmap(describe3, args, {3, Schedule::round_robin});
  ASSERT_EQ(out.size(), 50u);
  EXPECT_EQ(out[3], "3:2.000000xxx");
  EXPECT_EQ(out[49], "49:25.000000x");

  const std::vector<std::tuple<int, std::string, double>> triples{{1, "a", 2.0}, {3, "b", 4.0}};
  EXPECT_EQ(ex.starmap(label3, triples), (std::vector<std::string>{"1a2", "3b4"}));
  const std::vector<std::tuple<int, std::string>> pairs{{1, "a"}, {2, "b"}, {3, "c"}};
  EXPECT_EQ(ex.starmap(label2, pairs), (std::vector<std::string>{"a1", "b2", "c3"}));
  const std::vector<std::pair<int, int>> sums{{1, 2}, {3, 4}, {-5, 5}};
  EXPECT_EQ(ex.starmap(add, sums, {.chunksize = 1}), (std::vector<int>{3, 7, 0}));
}

}  // namespace
}  // namespace pardo::test
