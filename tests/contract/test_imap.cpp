// imap and imap_unordered: input order, every index once, errors where they happened, and
// inputs read lazily, however long, no further ahead of the consumer than the bound.
#include <algorithm>
#include <cstddef>
#include <exception>
#include <list>
#include <ranges>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "contract.hpp"

namespace pardo::test {
namespace {

using namespace contract;

PARDO_CONTRACT_SUITE(Imap);

TYPED_TEST(Imap, YieldsInInputOrder) {
  auto& ex = this->ex();
  for (Schedule schedule : all_schedules) {
    for (std::size_t chunksize : {0u, 1u, 7u, 1000u}) {
      std::vector<int> got;
      for (int y : ex.imap(plus_one, iota_vector(333), {chunksize, schedule})) got.push_back(y);
      ASSERT_EQ(got.size(), 333u) << to_string(schedule) << " chunksize " << chunksize;
      for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i], static_cast<int>(i) + 1)
            << to_string(schedule) << " chunksize " << chunksize;
      }
    }
  }
  std::vector<double> terms;
  for (const double y : ex.imap(term, iota_vector(200), {.chunksize = 3})) terms.push_back(y);
  EXPECT_EQ(terms, expected_values(term, 200));
}

TYPED_TEST(Imap, ErrorSurfacesAtItsPositionAfterTheEarlierValues) {
  auto& ex = this->ex();
  std::vector<int> got;
  auto range = ex.imap(overflow_at_13, iota_vector(40), {5, Schedule::automatic});
  auto it = range.begin();
  expect_error<TypeParam, std::overflow_error>(
      [&] {
        for (; it != range.end(); ++it) got.push_back(*it);
      },
      "std::overflow_error", "13");
  EXPECT_EQ(got, iota_vector(13));
  ++it;
  EXPECT_TRUE(it == range.end());

  std::vector<int> before;
  auto failing = ex.imap(fail_at, iota_vector(100), {.chunksize = 4});
  expect_error<TypeParam, std::runtime_error>(
      [&] {
        for (auto i = failing.begin(); i != failing.end(); ++i) before.push_back(*i);
      },
      "std::runtime_error", "bad 10");
  EXPECT_EQ(before, iota_vector(10));
}

TYPED_TEST(Imap, EmptyInputYieldsNothing) {
  auto& ex = this->ex();
  int n = 0;
  for ([[maybe_unused]] int y : ex.imap(plus_one, std::vector<int>{})) ++n;
  for ([[maybe_unused]] const auto& entry : ex.imap_unordered(plus_one, std::vector<int>{})) ++n;
  EXPECT_EQ(n, 0);
}

TYPED_TEST(Imap, UnorderedYieldsEveryIndexOnce) {
  auto& ex = this->ex();
  for (Schedule schedule : all_schedules) {
    for (std::size_t chunksize : {0u, 1u, 9u, 1000u}) {
      std::vector<int> seen(500, 0);
      for (const auto& [i, y] :
           ex.imap_unordered(plus_one, iota_vector(500), {chunksize, schedule})) {
        EXPECT_EQ(y, static_cast<int>(i) + 1);
        ++seen[i];
      }
      EXPECT_EQ(seen, std::vector<int>(500, 1))
          << to_string(schedule) << " chunksize " << chunksize;
    }
  }

  std::vector<double> out(500, -1.0);
  std::set<std::size_t> indices;
  for (const auto& [i, y] : ex.imap_unordered(term, iota_vector(500), {.chunksize = 9})) {
    EXPECT_TRUE(indices.insert(i).second) << "index " << i << " twice";
    out[i] = y;
  }
  EXPECT_EQ(out, expected_values(term, 500));

  std::vector<int> squares_seen(50, 0);
  for (const auto& [i, value] : ex.imap_unordered(square, double_iota(50))) {
    ++squares_seen[i];
    EXPECT_EQ(value, static_cast<double>(i * i));
  }
  EXPECT_EQ(squares_seen, std::vector<int>(50, 1));
}

TYPED_TEST(Imap, UnorderedErrorIsAnEntryAndIterationGoesOn) {
  auto& ex = this->ex();
  std::size_t values = 0;
  int errors = 0;
  auto range = ex.imap_unordered(fail_at_3, iota_vector(20), {5});
  for (auto it = range.begin(); it != range.end(); ++it) {
    std::exception_ptr error;
    try {
      static_cast<void>(*it);
      ++values;
    } catch (...) {
      error = std::current_exception();
    }
    if (error) {
      ++errors;
      expect_error<TypeParam, std::runtime_error>([&] { std::rethrow_exception(error); },
                                                  "std::runtime_error", "three");
    }
  }
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(values, 18u);  // the failed input and the one after it in its chunk are missing

  std::size_t one_values = 0;
  std::size_t one_errors = 0;
  auto singles = ex.imap_unordered(fail_at, iota_vector(100), {.chunksize = 1});
  for (auto it = singles.begin(); it != singles.end(); ++it) {
    try {
      static_cast<void>(*it);
      ++one_values;
    } catch (const std::exception&) {
      ++one_errors;
    }
  }
  EXPECT_EQ(one_errors, 1u);  // input 10; 500 is out of range
  EXPECT_EQ(one_values, 99u);
}

/// A view of 0, 1, 2, ... that counts, in this process, how many elements were read; with a
/// limit, reading element `limit` throws std::length_error naming it.
auto counted_iota(std::size_t& reads, int limit = -1) {
  return std::views::iota(0) | std::views::transform([&reads, limit](int i) {
           if (i == limit) throw std::length_error("input " + std::to_string(i) + " unreadable");
           ++reads;
           return i;
         });
}

TYPED_TEST(Imap, ReadsAnyInputRangeInOrder) {
  auto& ex = this->ex();
  const std::vector<int> inputs = iota_vector(250);
  const std::list<int> listed(inputs.begin(), inputs.end());
  for (std::size_t chunksize : {0u, 1u, 7u}) {
    std::vector<int> got;
    for (int y : ex.imap(plus_one, listed, {chunksize, Schedule::dynamic})) got.push_back(y);
    EXPECT_EQ(got, expected_values(plus_one, 250)) << "chunksize " << chunksize;

    std::vector<int> seen(250, 0);
    auto taken = std::views::iota(0) | std::views::take(250);
    for (const auto& [i, y] : ex.imap_unordered(plus_one, taken, {chunksize})) {
      EXPECT_EQ(y, static_cast<int>(i) + 1);
      ++seen.at(i);
    }
    EXPECT_EQ(seen, std::vector<int>(250, 1)) << "chunksize " << chunksize;
  }
  std::vector<int> pinned;
  for (int y : ex.imap(plus_one, listed, {3, Schedule::round_robin})) pinned.push_back(y);
  EXPECT_EQ(pinned, expected_values(plus_one, 250));
}

TYPED_TEST(Imap, AnEndlessInputIsReadOnlyAsFarAsTheBoundAheadOfTheConsumer) {
  auto& ex = this->ex();
  for (const std::size_t chunksize : {1u, 5u}) {
    for (const std::size_t in_flight : {1u, 3u}) {
      std::size_t reads = 0;
      std::size_t consumed = 0;
      const MapOptions options{.chunksize = chunksize, .max_in_flight = in_flight};
      for (int y : ex.imap(plus_one, counted_iota(reads), options)) {
        ASSERT_EQ(y, static_cast<int>(consumed) + 1);
        ++consumed;
        ASSERT_LE(reads, consumed - 1 + in_flight * chunksize) << "read too far ahead";
        if (consumed == 200) break;
      }
      std::size_t unordered_reads = 0;
      std::size_t taken = 0;
      for (const auto& entry :
           ex.imap_unordered(plus_one, counted_iota(unordered_reads), options)) {
        ASSERT_EQ(entry.second, static_cast<int>(entry.first) + 1);
        ++taken;
        ASSERT_LE(unordered_reads, taken - 1 + in_flight * chunksize) << "read too far ahead";
        if (taken == 200) break;
      }
    }
  }
}

TYPED_TEST(Imap, AnInputErrorEndsTheIterationAfterTheInputsBeforeIt) {
  auto& ex = this->ex();
  for (const std::size_t chunksize : {1u, 4u, 64u}) {
    std::size_t reads = 0;
    std::vector<int> got;
    auto range = ex.imap(plus_one, counted_iota(reads, 10), {chunksize});
    auto it = range.begin();
    try {
      for (; it != range.end(); ++it) got.push_back(*it);
      ADD_FAILURE() << "no error at input 10";
    } catch (const std::length_error& e) {
      EXPECT_STREQ(e.what(), "input 10 unreadable");
    }
    EXPECT_EQ(got, expected_values(plus_one, 10)) << "chunksize " << chunksize;
    ++it;
    EXPECT_TRUE(it == range.end());

    std::size_t unordered_reads = 0;
    std::vector<int> seen(10, 0);
    int errors = 0;
    auto unordered = ex.imap_unordered(plus_one, counted_iota(unordered_reads, 10), {chunksize});
    for (auto u = unordered.begin(); u != unordered.end(); ++u) {
      try {
        ++seen.at((*u).first);
      } catch (const std::length_error&) {
        ++errors;
      }
    }
    EXPECT_EQ(errors, 1);
    EXPECT_EQ(seen, std::vector<int>(10, 1)) << "chunksize " << chunksize;
  }
}

TYPED_TEST(Imap, SchedulesThatNeedTheSizeRefuseAStream) {
  auto& ex = this->ex();
  for (const Schedule schedule : {Schedule::static_blocks, Schedule::guided}) {
    try {
      static_cast<void>(ex.imap(plus_one, std::views::iota(0), {0, schedule}));
      ADD_FAILURE() << to_string(schedule) << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("imap: Schedule::" + to_string(schedule)),
                std::string::npos)
          << e.what();
    }
    EXPECT_THROW(
        static_cast<void>(ex.imap_unordered(plus_one, std::list<int>{1, 2}, {0, schedule})),
        std::invalid_argument);
  }
}

TYPED_TEST(Imap, OneChunkInFlightStillYieldsEverything) {
  auto& ex = this->ex();
  const MapOptions one{.chunksize = 2, .max_in_flight = 1};
  std::vector<int> got;
  for (int y : ex.imap(plus_one, iota_vector(101), one)) got.push_back(y);
  EXPECT_EQ(got, expected_values(plus_one, 101));
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : ex.imap_unordered(plus_one, iota_vector(101), one)) {
    ++count;
  }
  EXPECT_EQ(count, 101u);
}

}  // namespace
}  // namespace pardo::test
