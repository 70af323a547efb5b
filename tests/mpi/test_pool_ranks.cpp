// mpi::Pool's own promises: its options (master, master_computes, pipeline), which rank runs
// which worker, messages above the limit, and work offered to a rank that is not the master.
// Every rank runs each test: the master uses the pool, the others serve inside its
// constructor. The executor contract itself runs on mpi::Pool in tests/contract/.

#include <gtest/gtest.h>

#include <chrono>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "mpi_support.hpp"

namespace {

using pardo::mpi::testing::MessageLimit;
using pardo::mpi::testing::world;

double square(double x) { return x * x; }
PARDO_REMOTE(square);

int world_rank(int) {
  int rank = -1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}
PARDO_REMOTE(world_rank);

int worker_rank(std::size_t) { return world_rank(0); }
PARDO_REMOTE(worker_rank);

int slow_rank(int) {
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return world_rank(0);
}
PARDO_REMOTE(slow_rank);

std::vector<double> scaled(std::vector<double> v) {
  for (double& x : v) x *= 2;
  return v;
}
PARDO_REMOTE(scaled);

std::vector<double> inputs(std::size_t n) {
  std::vector<double> v(n);
  std::iota(v.begin(), v.end(), 0.0);
  return v;
}

std::vector<pardo::mpi::PoolOptions> option_sets() {
  std::vector<pardo::mpi::PoolOptions> sets{{}, {.pipeline = 1}};
  if (world().size() > 1) {
    sets.push_back({.master_computes = false});
    sets.push_back({.master = world().size() - 1});
  }
  return sets;
}

TEST(MpiPool, SubmitAndMapInEverySchedule) {
  for (const auto& options : option_sets()) {
    pardo::mpi::Pool pool(world(), options);
    EXPECT_EQ(pool.is_master(), world().rank() == options.master);
    if (!pool.is_master()) continue;
    EXPECT_EQ(pool.size(),
              static_cast<std::size_t>(world().size()) - (options.master_computes ? 0 : 1));
    EXPECT_EQ(pool.submit(square, 3.0).get(), 9.0);
    const std::vector<double> xs = inputs(257);
    std::vector<double> expected(xs.size());
    for (std::size_t i = 0; i < xs.size(); ++i) expected[i] = xs[i] * xs[i];
    for (const auto schedule :
         {pardo::Schedule::static_blocks, pardo::Schedule::dynamic, pardo::Schedule::automatic,
          pardo::Schedule::guided, pardo::Schedule::round_robin}) {
      for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
        EXPECT_EQ(pool.map(square, xs, {.chunksize = chunk, .schedule = schedule}), expected)
            << pardo::to_string(schedule) << " chunksize " << chunk;
      }
    }
  }
}

TEST(MpiPool, StaticBlocksGiveEachWorkerOneContiguousBlock) {
  pardo::mpi::Pool pool(world());
  if (!pool.is_master()) return;
  const std::size_t per = 10;
  std::vector<int> xs(per * pool.size());
  const std::vector<int> ranks =
      pool.map(world_rank, xs, {.schedule = pardo::Schedule::static_blocks});
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    ASSERT_EQ(ranks[i], pool.rank_of(i / per)) << "input " << i;
  }
  const std::vector<int> on_each = pool.on_each_worker(worker_rank);
  for (std::size_t w = 0; w < pool.size(); ++w) EXPECT_EQ(on_each[w], pool.rank_of(w));
}

TEST(MpiPool, DynamicDealsToEveryRank) {
  pardo::mpi::Pool pool(world());
  if (!pool.is_master()) return;
  std::vector<int> xs(20 * pool.size());
  const std::vector<int> ranks =
      pool.map(slow_rank, xs, {.chunksize = 1, .schedule = pardo::Schedule::dynamic});
  EXPECT_EQ(std::set<int>(ranks.begin(), ranks.end()).size(), pool.size());
}

TEST(MpiPool, TasksAndResultsAboveTheMessageLimitArriveWhole) {
  MessageLimit limit(1000);
  pardo::mpi::Pool pool(world());
  if (!pool.is_master()) return;
  std::vector<std::vector<double>> blocks(2 * pool.size(), inputs(5000));
  const auto doubled = pool.map(scaled, blocks, {.chunksize = 1});
  for (const auto& v : doubled) {
    ASSERT_EQ(v.size(), 5000u);
    EXPECT_EQ(v[4999], 9998.0);
  }
}

TEST(MpiPool, OnlyTheMasterTakesWorkAndShutdownIsFinal) {
  pardo::mpi::Pool pool(world());
  if (!pool.is_master()) {
    try {
      (void)pool.submit(square, 1.0);
      ADD_FAILURE() << "no exception";
    } catch (const std::logic_error& e) {
      EXPECT_EQ(std::string(e.what()),
                "submit: mpi::Pool takes work on its master, rank 0; "
                "this is rank " +
                    std::to_string(world().rank()));
    }
    return;
  }
  std::vector<pardo::Future<int>> slow;
  for (int i = 0; i < 200; ++i) slow.push_back(pool.submit(slow_rank, i));
  pool.shutdown(true, true);
  std::size_t cancelled = 0;
  for (auto& f : slow) {
    if (f.cancelled()) {
      ++cancelled;
    } else {
      EXPECT_GE(f.get(), 0);
    }
  }
  EXPECT_GT(cancelled, 0u);
  EXPECT_THROW((void)pool.submit(square, 1.0), pardo::ShutdownError);
}

TEST(MpiPool, BadOptionsThrowOnEveryRank) {
  const int n = world().size();
  try {
    pardo::mpi::Pool pool(world(), {.master = n});
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "mpi::Pool: master rank " + std::to_string(n) +
                                         " is outside [0, " + std::to_string(n) + ")");
  }
  EXPECT_THROW(pardo::mpi::Pool(world(), {.pipeline = 0}), std::invalid_argument);
  if (n == 1) {
    EXPECT_THROW(pardo::mpi::Pool(world(), {.master_computes = false}), std::invalid_argument);
  }
}

}  // namespace
