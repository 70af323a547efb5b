// ProcessPool's map family: order, schedules, errors by input order, bit-identical reduce.

#include <gmock/gmock.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <functional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "process_support.hpp"

namespace {

double term(int i) { return 1.0 / (i + 1.0) * std::sin(i); }
PARDO_REMOTE(term);

int fail_at(int i) {
  if (i == 10 || i == 500) throw std::runtime_error("bad " + std::to_string(i));
  return i;
}
PARDO_REMOTE(fail_at);

int pid_of(int) { return static_cast<int>(::getpid()); }
PARDO_REMOTE(pid_of);

std::string label(int a, std::string b, double c) {
  return std::to_string(a) + b + std::to_string(static_cast<int>(c));
}
PARDO_REMOTE(label);

using pardo::test::iota_vector;
using pardo::test::OnEveryProcessCount;

class ProcessMap : public OnEveryProcessCount {};
PARDO_ON_EVERY_PROCESS_COUNT(ProcessMap);

const pardo::Schedule all_schedules[] = {pardo::Schedule::automatic, pardo::Schedule::static_blocks,
                                         pardo::Schedule::round_robin, pardo::Schedule::dynamic,
                                         pardo::Schedule::guided};

std::vector<double> expected_terms(int n) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(term(i));
  return out;
}

TEST_P(ProcessMap, ReturnsResultsInInputOrderForEveryScheduleAndChunksize) {
  pardo::ProcessPool pool(GetParam());
  const auto inputs = iota_vector(1000);
  for (const auto schedule : all_schedules) {
    for (const std::size_t chunk : {0U, 1U, 7U, 1000U}) {
      EXPECT_EQ(pool.map(term, inputs, {.chunksize = chunk, .schedule = schedule}),
                expected_terms(1000))
          << pardo::to_string(schedule) << " chunksize " << chunk;
    }
  }
}

TEST_P(ProcessMap, EmptyInputsGiveEmptyResults) {
  pardo::ProcessPool pool(GetParam());
  EXPECT_TRUE(pool.map(term, std::vector<int>{}).empty());
  EXPECT_EQ(pool.map_reduce(std::vector<int>{}, term, std::plus<>{}, 1.5), 1.5);
  EXPECT_TRUE(pool.map_async(term, std::vector<int>{}).get().empty());
}

TEST_P(ProcessMap, RethrowsTheFirstErrorByInputOrder) {
  pardo::ProcessPool pool(GetParam());
  for (const std::size_t chunk : {1U, 16U, 0U}) {
    try {
      pool.map(fail_at, iota_vector(1000), {.chunksize = chunk});
      FAIL() << "no exception";
    } catch (const pardo::RemoteError& e) {
      EXPECT_EQ(e.message(), "bad 10") << "chunksize " << chunk;
    }
  }
  // The pool still works.
  EXPECT_EQ(pool.map(fail_at, std::vector<int>{1, 2}), (std::vector<int>{1, 2}));
}

TEST_P(ProcessMap, MapAsyncDeliversTheVectorOrTheFirstError) {
  pardo::ProcessPool pool(GetParam());
  auto inputs = iota_vector(300);
  auto ok = pool.map_async(term, inputs);
  auto bad = pool.map_async(fail_at, inputs, {.chunksize = 5});
  inputs.clear();  // encoded already
  EXPECT_EQ(ok.get(), expected_terms(300));
  EXPECT_THROW(bad.get(), pardo::RemoteError);
}

TEST_P(ProcessMap, StarmapUnpacksTuplesAndPairs) {
  pardo::ProcessPool pool(GetParam());
  const std::vector<std::tuple<int, std::string, double>> args{{1, "a", 2.0}, {3, "b", 4.0}};
  EXPECT_EQ(pool.starmap(label, args), (std::vector<std::string>{"1a2", "3b4"}));
}

TEST_P(ProcessMap, ImapYieldsInOrderAndStopsAtTheFailedInput) {
  pardo::ProcessPool pool(GetParam());
  std::vector<double> got;
  for (const double y : pool.imap(term, iota_vector(200), {.chunksize = 3})) got.push_back(y);
  EXPECT_EQ(got, expected_terms(200));

  std::vector<int> before;
  auto range = pool.imap(fail_at, iota_vector(100), {.chunksize = 4});
  auto it = range.begin();
  try {
    for (; it != range.end(); ++it) before.push_back(*it);
    FAIL() << "no exception";
  } catch (const pardo::RemoteError& e) {
    EXPECT_EQ(e.message(), "bad 10");
  }
  EXPECT_EQ(before, iota_vector(10));
}

TEST_P(ProcessMap, ImapUnorderedYieldsEveryIndexOnce) {
  pardo::ProcessPool pool(GetParam());
  std::vector<double> out(500, -1.0);
  std::set<std::size_t> seen;
  for (const auto& [i, y] : pool.imap_unordered(term, iota_vector(500), {.chunksize = 9})) {
    EXPECT_TRUE(seen.insert(i).second);
    out[i] = y;
  }
  EXPECT_EQ(out, expected_terms(500));
}

TEST_P(ProcessMap, ImapUnorderedReportsAFailedInputAndGoesOn) {
  pardo::ProcessPool pool(GetParam());
  std::size_t values = 0;
  std::size_t errors = 0;
  auto range = pool.imap_unordered(fail_at, iota_vector(100), {.chunksize = 1});
  for (auto it = range.begin(); it != range.end(); ++it) {
    try {
      (void)*it;
      ++values;
    } catch (const pardo::RemoteError&) {
      ++errors;
    }
  }
  EXPECT_EQ(errors, 1U);  // input 10; 500 is out of range
  EXPECT_EQ(values, 99U);
}

TEST_P(ProcessMap, MapReduceIsBitIdenticalToThreadPool) {
  pardo::ProcessPool pool(GetParam());
  pardo::ThreadPool threads(3);
  for (const int n : {1, 5, 1000, 5000}) {
    const auto inputs = iota_vector(n);
    const double reference = threads.map_reduce(inputs, term, std::plus<>{}, 0.0);
    for (const auto schedule : all_schedules) {
      for (const std::size_t chunk : {0U, 1U, 13U}) {
        const double got = pool.map_reduce(inputs, term, std::plus<>{}, 0.0,
                                           {.chunksize = chunk, .schedule = schedule});
        EXPECT_EQ(std::bit_cast<std::uint64_t>(got), std::bit_cast<std::uint64_t>(reference))
            << "n " << n << ", " << pardo::to_string(schedule) << ", chunksize " << chunk;
      }
    }
  }
}

TEST_P(ProcessMap, StaticBlocksGiveEachWorkerOneContiguousBlock) {
  pardo::ProcessPool pool(GetParam());
  const std::size_t workers = GetParam();
  const int n = 64;
  const auto pids = pool.map(pid_of, iota_vector(n), {.schedule = pardo::Schedule::static_blocks});
  const std::size_t block = (static_cast<std::size_t>(n) + workers - 1) / workers;
  std::set<int> distinct;
  for (std::size_t i = 0; i < pids.size(); ++i) {
    EXPECT_EQ(pids[i], pids[i / block * block]) << "input " << i;
    distinct.insert(pids[i]);
  }
  EXPECT_EQ(distinct.size(), std::min<std::size_t>(workers, static_cast<std::size_t>(n)));
}

TEST_P(ProcessMap, RoundRobinDealsChunkIToWorkerIModW) {
  pardo::ProcessPool pool(GetParam());
  const std::size_t workers = GetParam();
  const std::size_t chunk = 3;
  const auto pids = pool.map(pid_of, iota_vector(60),
                             {.chunksize = chunk, .schedule = pardo::Schedule::round_robin});
  for (std::size_t i = 0; i < pids.size(); ++i) {
    const std::size_t c = i / chunk;
    EXPECT_EQ(pids[i], pids[(c % workers) * chunk]) << "input " << i;
  }
}

TEST(ProcessMapErrors, InvalidScheduleThrowsNamingIt) {
  pardo::ProcessPool pool(1);
  EXPECT_THROW(pool.map(term, iota_vector(3), {.schedule = static_cast<pardo::Schedule>(42)}),
               std::invalid_argument);
}

}  // namespace
