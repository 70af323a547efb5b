// mpi::Pool's own promises: its options (master, master_computes, pipeline, threads), which
// rank runs which worker, threads within a rank, messages above the limit, and work offered to
// a rank that is not the master.
// Every rank runs each test: the master uses the pool, the others serve inside its
// constructor. The executor contract itself runs on mpi::Pool in tests/contract/.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
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

// Tasks running now in this process.
std::atomic<int> running_here{0};

// Whether another task ran in this process at the same time as this one, within `wait_ms`.
bool met_another(int wait_ms) {
  ++running_here;
  bool met = false;
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (!met && std::chrono::steady_clock::now() < end) {
    met = running_here.load() >= 2;
    if (!met) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // Stay a moment, so that the other one sees this one too.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  --running_here;
  return met;
}
PARDO_REMOTE(met_another);

std::vector<double> inputs(std::size_t n) {
  std::vector<double> v(n);
  std::iota(v.begin(), v.end(), 0.0);
  return v;
}

std::vector<pardo::mpi::PoolOptions> option_sets() {
  std::vector<pardo::mpi::PoolOptions> sets{{}, {.pipeline = 1}, {.threads = 2}};
  if (world().size() > 1) {
    sets.push_back({.master_computes = false});
    sets.push_back({.master = world().size() - 1});
    sets.push_back({.master = world().size() - 1, .master_computes = false, .threads = 3});
  }
  return sets;
}

TEST(MpiPool, SubmitAndMapInEverySchedule) {
  for (const auto& options : option_sets()) {
    pardo::mpi::Pool pool(world(), options);
    EXPECT_EQ(pool.is_master(), world().rank() == options.master);
    if (!pool.is_master()) continue;
    EXPECT_EQ(pool.size(), options.threads * (static_cast<std::size_t>(world().size()) -
                                              (options.master_computes ? 0 : 1)));
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
  for (const std::size_t threads : {std::size_t{1}, std::size_t{2}}) {
    pardo::mpi::Pool pool(world(), {.threads = threads});
    if (!pool.is_master()) continue;
    // Workers are the ranks' threads, rank by rank, the master's first.
    for (std::size_t w = 0; w < pool.size(); ++w) {
      EXPECT_EQ(pool.rank_of(w), static_cast<int>(w / threads)) << "worker " << w;
    }
    EXPECT_THROW((void)pool.rank_of(pool.size()), std::out_of_range);
    const std::size_t per = 10;
    std::vector<int> xs(per * pool.size());
    const std::vector<int> ranks =
        pool.map(world_rank, xs, {.schedule = pardo::Schedule::static_blocks});
    for (std::size_t i = 0; i < ranks.size(); ++i) {
      ASSERT_EQ(ranks[i], pool.rank_of(i / per)) << "input " << i << ", " << threads << " threads";
    }
    const std::vector<int> on_each = pool.on_each_worker(worker_rank);
    for (std::size_t w = 0; w < pool.size(); ++w) EXPECT_EQ(on_each[w], pool.rank_of(w));
  }
}

TEST(MpiPool, ThreadsRunTasksSideBySideInEveryRank) {
  pardo::mpi::Pool pool(world(), {.threads = 2});
  if (!pool.is_master()) return;
  ASSERT_EQ(pool.size(), 2 * static_cast<std::size_t>(world().size()));
  // One task per worker: each rank has two at once, and each task meets the other.
  const std::vector<bool> met =
      pool.map(met_another, std::vector<int>(pool.size(), 10'000), {.chunksize = 1});
  for (std::size_t i = 0; i < met.size(); ++i) EXPECT_TRUE(met[i]) << "task " << i;
}

TEST(MpiPool, OneThreadRunsOneTaskAtATime) {
  pardo::mpi::Pool pool(world());
  if (!pool.is_master()) return;
  // Two tasks per rank, never side by side: none meets another in its 300 ms.
  const std::vector<bool> met =
      pool.map(met_another, std::vector<int>(2 * pool.size(), 300), {.chunksize = 1});
  for (std::size_t i = 0; i < met.size(); ++i) EXPECT_FALSE(met[i]) << "task " << i;
}

TEST(MpiPool, RankThreadsAreTheCpusARankMayUse) {
  using pardo::mpi::detail::threads_for;
  EXPECT_EQ(threads_for(nullptr, 16, 4), 4u);  // an unbound node shared by 4 ranks
  EXPECT_EQ(threads_for(nullptr, 8, 1), 8u);   // a rank bound to 8 CPUs
  EXPECT_EQ(threads_for(nullptr, 2, 4), 1u);   // oversubscribed: one each, never 0
  EXPECT_EQ(threads_for("8", 2, 1), 8u);       // Slurm's word first
  for (const char* bad : {"0", "-3", "abc", "4x", "", "99999999999999999999999"}) {
    EXPECT_EQ(threads_for(bad, 6, 2), 3u) << "SLURM_CPUS_PER_TASK=" << bad;
  }
  EXPECT_GE(pardo::mpi::rank_threads(world()), 1u);
  ::setenv("SLURM_CPUS_PER_TASK", "3", 1);
  EXPECT_EQ(pardo::mpi::rank_threads(world()), 3u);
  {
    pardo::mpi::Pool pool(world(), {.threads = 0});
    if (pool.is_master()) {
      EXPECT_EQ(pool.size(), 3 * static_cast<std::size_t>(world().size()));
    }
  }
  ::unsetenv("SLURM_CPUS_PER_TASK");
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
  try {
    pardo::mpi::Pool pool(world(), {.threads = 5000});
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "mpi::Pool: threads 5000 is above 4096 per rank");
  }
  if (n == 1) {
    EXPECT_THROW(pardo::mpi::Pool(world(), {.master_computes = false}), std::invalid_argument);
  }
}

}  // namespace
