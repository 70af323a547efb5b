// run_chains with a checkpoint: chains are kept part-way, so a run stopped (or killed) in the
// middle of its chains resumes each one from its last step kept, on any backend, and draws
// what a run never stopped draws; a checkpoint whose chains are not this run's is refused.

#include <gmock/gmock.h>

#include <unistd.h>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <pardo/mcmc.hpp>
#include <pardo/workload/checkpoint.hpp>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "stats_support.hpp"

namespace {

using pardo::Checkpoint;
using pardo::mcmc::MetropolisOptions;
using pardo::test::bits;
using ::testing::HasSubstr;

const pardo::RunIdentity identity{{"command", "mcmc"}, {"seed", "11"}};
const MetropolisOptions options{.chains = 3, .warmup = 1000, .draws = 20000, .seed = 11};
const std::vector<double> initial{0.0, 0.0};

std::vector<std::uint64_t> draw_bits(const pardo::mcmc::ChainsResult& r) {
  std::vector<std::uint64_t> out;
  for (const auto* v : {&r.draws, &r.mean, &r.rhat, &r.ess, &r.acceptance_rate, &r.step_size}) {
    for (const double x : *v) out.push_back(bits(x));
  }
  return out;
}

std::filesystem::path scratch_file(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("pardo-mcmc-" + std::to_string(::getpid()) + "-" + name + ".ckpt");
}

// The chains of a run on 2 threads stopped after 30000 calls of the density, of 21000 steps a
// chain: at most one chain can have finished by then, and at least one other has begun and
// stopped part-way (which chains, and whether the third began, depends on the scheduling).
// Kept at every stretch and at the stop.
void write_part_way(const std::filesystem::path& file) {
  std::stop_source stop;
  std::atomic<std::uint64_t> calls{0};
  const auto density = [&](std::span<const double> theta) {
    if (calls.fetch_add(1) == 30000) stop.request_stop();
    return pardo::mcmc::correlated_normal(theta);
  };
  Checkpoint checkpoint({.file = file, .every = std::chrono::seconds(0), .identity = identity});
  pardo::ThreadPool pool(2);
  const auto r = pardo::mcmc::run_chains(pool, density, initial, options,
                                         {.stop = stop.get_token(), .checkpoint = &checkpoint});
  EXPECT_FALSE(r.run.complete);
  EXPECT_EQ(checkpoint.write_error(), "");
}

TEST(McmcCheckpoint, ChainsStoppedPartWayResumeOnEveryBackendWithTheDrawsOfAFreshRun) {
  const pardo::mcmc::LogDensity density(pardo::mcmc::correlated_normal);
  pardo::SerialExecutor serial;
  const auto fresh = draw_bits(pardo::mcmc::run_chains(serial, density, initial, options));
  const auto file = scratch_file("part-way");
  write_part_way(file);
  std::size_t kept = 0;
  const auto results = pardo::test::on_every_backend([&](auto& executor) {
    Checkpoint checkpoint({.resume = file, .identity = identity});
    kept = checkpoint.restored();
    return pardo::mcmc::run_chains(executor, density, initial, options,
                                   {.checkpoint = &checkpoint});
  });
  EXPECT_GE(kept, 2u);
  for (const auto& [name, r] : results) {
    EXPECT_EQ(draw_bits(r), fresh) << name;
    EXPECT_TRUE(r.run.complete) << name;
    EXPECT_LE(r.run.blocks_restored, 1u) << name;    // finished when kept
    EXPECT_LT(r.run.blocks_restored, kept) << name;  // at least one part-way
    EXPECT_EQ(r.steps, 3u * 21000u) << name;
  }
  std::filesystem::remove(file);
}

TEST(McmcCheckpoint, ARunStoppedOnWorkerProcessesResumesOnThreadsWithTheSameDraws) {
  const pardo::mcmc::LogDensity density(pardo::mcmc::correlated_normal);
  const MetropolisOptions longer{.chains = 2, .warmup = 1000, .draws = 400000, .seed = 11};
  pardo::ThreadPool threads(2);
  const auto fresh = draw_bits(pardo::mcmc::run_chains(threads, density, initial, longer));
  const auto file = scratch_file("processes");
  {
    pardo::ProcessPool pool(2);
    Checkpoint checkpoint({.file = file, .every = std::chrono::seconds(0), .identity = identity});
    pardo::test::stopped_after_100ms([&](std::stop_token stop) {
      return pardo::mcmc::run_chains(pool, density, initial, longer,
                                     {.stop = stop, .checkpoint = &checkpoint});
    });
  }
  Checkpoint checkpoint({.resume = file, .identity = identity});
  const auto r =
      pardo::mcmc::run_chains(threads, density, initial, longer, {.checkpoint = &checkpoint});
  EXPECT_EQ(draw_bits(r), fresh);
  EXPECT_TRUE(r.run.complete);
  std::filesystem::remove(file);
}

TEST(McmcCheckpoint, AFinishedRunResumedRunsNoStepAndCountsItsChainsRestored) {
  const pardo::mcmc::LogDensity density(pardo::mcmc::correlated_normal);
  const auto file = scratch_file("finished");
  pardo::ThreadPool pool(2);
  std::vector<std::uint64_t> first;
  {
    Checkpoint checkpoint({.file = file, .identity = identity});
    first = draw_bits(
        pardo::mcmc::run_chains(pool, density, initial, options, {.checkpoint = &checkpoint}));
    checkpoint.write();
  }
  std::atomic<std::uint64_t> calls{0};
  const auto counting = [&](std::span<const double> theta) {
    ++calls;
    return pardo::mcmc::correlated_normal(theta);
  };
  Checkpoint checkpoint({.resume = file, .identity = identity});
  const auto again =
      pardo::mcmc::run_chains(pool, counting, initial, options, {.checkpoint = &checkpoint});
  EXPECT_EQ(draw_bits(again), first);
  EXPECT_EQ(again.run.blocks_restored, 3u);
  EXPECT_EQ(calls.load(), 1u);  // the initial point's check alone
  std::filesystem::remove(file);
}

TEST(McmcCheckpoint, ChainsOfAnotherDimensionAreRefusedNamingTheChain) {
  const auto file = scratch_file("dimension");
  write_part_way(file);
  Checkpoint checkpoint({.resume = file, .identity = identity});
  pardo::SerialExecutor serial;
  const std::vector<double> three{0.0, 0.0, 0.0};
  const pardo::mcmc::LogDensity density(pardo::mcmc::correlated_normal);
  try {
    pardo::mcmc::run_chains(serial, density, three, options, {.checkpoint = &checkpoint});
    ADD_FAILURE() << "a checkpoint of 2-dimensional chains resumed a 3-dimensional run";
  } catch (const pardo::CheckpointError& e) {
    EXPECT_THAT(e.what(), HasSubstr("the checkpoint's chain "));
    EXPECT_THAT(e.what(), HasSubstr("is not a state of this run"));
  }
  std::filesystem::remove(file);
}

}  // namespace
