// The workload skeleton on MPI ranks: Monte Carlo pi and the example workload of
// CONTRIBUTING.md give the serial bits, with the run's RunInfo.

#include <gtest/gtest.h>

#include <pardo/mc/pi.hpp>
#include <pardo/serial/serial_executor.hpp>

#include "birthday.hpp"
#include "mpi_support.hpp"

namespace {

using pardo::mpi::testing::world;

TEST(MpiWorkload, PiGivesTheSerialBits) {
  const pardo::mc::PiOptions options{.samples = 2'000'001, .seed = 3, .block_samples = 1 << 16};
  pardo::SerialExecutor serial;
  const pardo::mc::PiResult expected = pardo::mc::estimate_pi(serial, options);
  // One rank a worker, and hybrid: three threads in every rank.
  for (const std::size_t threads : {std::size_t{1}, std::size_t{3}}) {
    pardo::mpi::Pool pool(world(), {.threads = threads});
    if (!pool.is_master()) continue;
    const pardo::mc::PiResult got = pardo::mc::estimate_pi(pool, options);
    EXPECT_EQ(got.hits, expected.hits) << threads << " threads";
    EXPECT_EQ(got.samples, options.samples);
    EXPECT_EQ(got.run.backend, "mpi");
    EXPECT_EQ(got.run.workers, pool.size());
    EXPECT_EQ(pool.size(), threads * static_cast<std::size_t>(world().size()));
    EXPECT_EQ(got.run.blocks_done, pardo::mc::pi_blocks(options));
    EXPECT_TRUE(got.run.complete);
  }
}

TEST(MpiWorkload, TheExampleWorkloadGivesTheSerialBits) {
  const birthday::Options options{.people = 30, .trials = 10'000, .block_trials = 500};
  pardo::SerialExecutor serial;
  const birthday::Result expected = birthday::estimate(serial, options);
  pardo::mpi::Pool pool(world());
  if (!pool.is_master()) return;
  const birthday::Result got = birthday::estimate(pool, options);
  EXPECT_EQ(got.shared, expected.shared);
  EXPECT_EQ(got.trials, options.trials);
  EXPECT_TRUE(got.run.complete);
}

}  // namespace
