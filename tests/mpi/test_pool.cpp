// mpi::Pool: the executor contract over ranks. Every rank runs each test: the master uses
// the pool, the others serve inside its constructor.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "mpi_support.hpp"
#include "pardo/threads/thread_pool.hpp"

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

double fails_on_sevens(double x) {
  if (static_cast<int>(x) % 7 == 6) throw std::runtime_error("bad input " + std::to_string(x));
  return x;
}
PARDO_REMOTE(fails_on_sevens);

std::string label(int a, std::string b) { return b + std::to_string(a); }
PARDO_REMOTE(label);

double wiggle(double x) { return std::sin(x) * 1e-3 + 1.0 / (1.0 + x); }
PARDO_REMOTE(wiggle);

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

TEST(MpiPool, ExceptionsArriveOnTheirFuturesAndRanksKeepServing) {
  pardo::mpi::Pool pool(world());
  if (!pool.is_master()) return;
  auto failed = pool.submit(fails_on_sevens, 6.0);
  try {
    failed.get();
    ADD_FAILURE() << "no exception";
  } catch (const pardo::RemoteError& e) {
    EXPECT_EQ(e.type_name(), "std::runtime_error");
    EXPECT_EQ(e.message(), "bad input 6.000000");
  }
  // map reports the first failing input by input order.
  try {
    (void)pool.map(fails_on_sevens, inputs(100), {.chunksize = 3});
    ADD_FAILURE() << "no exception";
  } catch (const pardo::RemoteError& e) {
    EXPECT_EQ(e.message(), "bad input 6.000000");
  }
  EXPECT_EQ(pool.map(square, std::vector<double>{1, 2}), (std::vector<double>{1, 4}));
}

TEST(MpiPool, StarmapImapUnorderedAndEncodedValues) {
  pardo::mpi::Pool pool(world());
  if (!pool.is_master()) return;
  const std::vector<std::tuple<int, std::string>> pairs{{1, "a"}, {2, "b"}, {3, "c"}};
  EXPECT_EQ(pool.starmap(label, pairs), (std::vector<std::string>{"a1", "b2", "c3"}));
  std::vector<int> seen(50, 0);
  for (const auto& [i, value] : pool.imap_unordered(square, inputs(50))) {
    ++seen[i];
    EXPECT_EQ(value, static_cast<double>(i * i));
  }
  EXPECT_EQ(seen, std::vector<int>(50, 1));
  EXPECT_EQ(pool.submit(scaled, std::vector<double>{1.5, 2.5}).get(), (std::vector<double>{3, 5}));
}

TEST(MpiPool, MapReduceHasTheThreadPoolsBits) {
  pardo::mpi::Pool pool(world());
  if (!pool.is_master()) return;
  const std::vector<double> xs = inputs(10'001);
  pardo::ThreadPool threads(2);
  const double local = threads.map_reduce(xs, wiggle, std::plus<>{}, 0.0);
  for (const auto schedule : {pardo::Schedule::static_blocks, pardo::Schedule::dynamic}) {
    EXPECT_EQ(pool.map_reduce(xs, wiggle, std::plus<>{}, 0.0, {.schedule = schedule}), local);
  }
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

TEST(MpiSpmd, RunOnEveryRankAndScatterGatherBlocks) {
  const auto& w = world();
  const std::vector<int> ranks =
      pardo::mpi::run_on_every_rank(w, [](const pardo::mpi::Communicator& c) { return c.rank(); });
  if (w.rank() == 0) {
    std::vector<int> expected(static_cast<std::size_t>(w.size()));
    std::iota(expected.begin(), expected.end(), 0);
    EXPECT_EQ(ranks, expected);
  }
  const std::vector<double> all = inputs(103);
  const std::vector<double> mine = pardo::mpi::scatter_blocks(w, all, 0);
  const pardo::mpi::Block b = pardo::mpi::block_of(all.size(), w.size(), w.rank());
  EXPECT_EQ(mine, std::vector<double>(all.begin() + static_cast<std::ptrdiff_t>(b.begin),
                                      all.begin() + static_cast<std::ptrdiff_t>(b.end)));
  EXPECT_EQ(pardo::mpi::gather_blocks(w, mine, 0), w.rank() == 0 ? all : std::vector<double>{});
  EXPECT_EQ(pardo::mpi::block_of(100, 3, 1).begin, 34u);
  EXPECT_EQ(pardo::mpi::block_of(100, 3, 1).end, 67u);
}

}  // namespace
