// Retries of lost blocks: a block whose worker process dies runs again on a fresh worker, up
// to RunControl::retries times, with the same output; then the run fails naming the block.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <pardo/pardo.hpp>
#include <pardo/workload/blocks.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../support.hpp"

namespace pardo::test {
namespace {

/// Block `block` kills its own worker on its first `deaths` attempts, counted by files in
/// `dir` (shared by every worker process).
struct MortalTask {
  std::uint64_t block = 0;
  std::string dir;
  std::uint64_t deaths = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(block, dir, deaths);
  }
};

std::uint64_t cube(std::uint64_t b) { return b * b * b; }

std::uint64_t mortal_block(MortalTask task) {
  for (std::uint64_t attempt = 0; attempt < task.deaths; ++attempt) {
    const std::string mark =
        task.dir + "/" + std::to_string(task.block) + "." + std::to_string(attempt);
    const int fd = ::open(mark.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600);
    if (fd >= 0) {
      ::close(fd);
      std::raise(SIGKILL);
    }
  }
  return cube(task.block);
}
PARDO_REMOTE(mortal_block);

class Marks {
 public:
  Marks() : dir_(std::filesystem::temp_directory_path() / ("pardo-retries-" + unique_suffix())) {
    std::filesystem::create_directories(dir_);
  }
  Marks(const Marks&) = delete;
  Marks& operator=(const Marks&) = delete;
  ~Marks() { std::filesystem::remove_all(dir_); }
  std::string dir() const { return dir_.string(); }

 private:
  static std::string unique_suffix() {
    static int count = 0;
    return std::to_string(::getpid()) + "-" + std::to_string(count++);
  }
  std::filesystem::path dir_;
};

/// Blocks of which those in `mortal` die `deaths` times each.
auto mortal_blocks(const Marks& marks, std::vector<std::uint64_t> mortal, std::uint64_t deaths) {
  return remote_blocks(&mortal_block, [dir = marks.dir(), mortal, deaths](std::uint64_t b) {
    const bool dies = std::find(mortal.begin(), mortal.end(), b) != mortal.end();
    return MortalTask{b, dir, dies ? deaths : 0};
  });
}

const auto local_cube = [](std::uint64_t b) { return cube(b); };

class Retries : public ::testing::TestWithParam<std::size_t> {};

TEST_P(Retries, ALostBlockRunsAgainWithTheSameOutput) {
  ProcessPool pool(GetParam());
  Marks marks;
  const BlockRun<std::uint64_t> run =
      run_blocks(pool, 40, local_cube, mortal_blocks(marks, {3, 17, 39}, 2));
  ASSERT_EQ(run.blocks.size(), 40u);
  for (std::uint64_t b = 0; b < 40; ++b) {
    ASSERT_TRUE(run.blocks[b].has_value()) << "block " << b;
    EXPECT_EQ(*run.blocks[b], cube(b)) << "block " << b;
  }
  EXPECT_TRUE(run.info.complete);
  EXPECT_EQ(run.info.blocks_done, 40u);
  EXPECT_EQ(run.info.blocks_retried, 6u);
  EXPECT_TRUE(run.info.failure.empty());
}

TEST_P(Retries, BeyondTheLimitTheRunFailsNamingTheBlock) {
  ProcessPool pool(GetParam());
  Marks marks;
  try {
    run_blocks(pool, 20, local_cube, mortal_blocks(marks, {11}, 3), {.retries = 2});
    FAIL() << "no BlockFailed";
  } catch (const BlockFailed& e) {
    EXPECT_EQ(e.block(), 11u);
    EXPECT_EQ(e.attempts(), 3);
    EXPECT_NE(std::string(e.what()).find("block 11 failed 3 times"), std::string::npos) << e.what();
    EXPECT_THROW(std::rethrow_exception(e.cause()), WorkerCrashed);
  }
}

TEST_P(Retries, NoRetriesFailsAtTheFirstDeath) {
  ProcessPool pool(GetParam());
  Marks marks;
  try {
    run_blocks(pool, 8, local_cube, mortal_blocks(marks, {0}, 1), {.retries = 0});
    FAIL() << "no BlockFailed";
  } catch (const BlockFailed& e) {
    EXPECT_EQ(e.block(), 0u);
    EXPECT_EQ(e.attempts(), 1);
    EXPECT_NE(std::string(e.what()).find("block 0 failed 1 time:"), std::string::npos) << e.what();
  }
}

TEST_P(Retries, UnderStopAFailedBlockEndsTheRunWithAPartialResult) {
  ProcessPool pool(GetParam());
  Marks marks;
  BlockRunner runner(pool, 30, {.retries = 1, .on_block_failure = OnBlockFailure::stop});
  const auto out = runner.run(0, 30, local_cube, mortal_blocks(marks, {12}, 5));
  const RunInfo info = runner.info();
  EXPECT_FALSE(info.complete);
  EXPECT_EQ(info.blocks_done, 12u);
  EXPECT_EQ(info.blocks_retried, 1u);
  EXPECT_NE(info.failure.find("block 12 failed 2 times"), std::string::npos) << info.failure;
  for (std::uint64_t b = 0; b < 12; ++b) EXPECT_EQ(out[b], std::optional(cube(b))) << b;
  for (std::uint64_t b = 12; b < 30; ++b) EXPECT_FALSE(out[b].has_value()) << b;
  // A later round of the same run does nothing: it has ended.
  const auto more = runner.run(30, 5, local_cube, mortal_blocks(marks, {}, 0));
  for (const auto& output : more) EXPECT_FALSE(output.has_value());
}

struct NapTask {
  std::uint64_t block = 0;
};

std::uint64_t nap_block(NapTask task) {
  if (task.block == 0) std::this_thread::sleep_for(std::chrono::seconds(1));
  return cube(task.block);
}
PARDO_REMOTE(nap_block);

TEST_P(Retries, OnlyAWindowOfBlocksIsInFlight) {
  // While block 0 sleeps, the runner has made the tasks of its window and no more.
  ProcessPool pool(GetParam());
  const std::uint64_t window = std::max<std::uint64_t>(8, 4 * GetParam());
  std::atomic<std::uint64_t> made{0};
  std::atomic<std::uint64_t> made_while_block_0_ran{0};
  const auto remote = remote_blocks(&nap_block, [&](std::uint64_t b) {
    made.fetch_add(1);
    return NapTask{b};
  });
  std::thread watcher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    made_while_block_0_ran = made.load();
  });
  const BlockRun<std::uint64_t> run = run_blocks(pool, 500, local_cube, remote);
  watcher.join();
  EXPECT_EQ(made_while_block_0_ran.load(), window);
  EXPECT_EQ(made.load(), 500u);
  EXPECT_EQ(run.info.blocks_done, 500u);
  for (std::uint64_t b = 0; b < 500; ++b) EXPECT_EQ(run.blocks[b], std::optional(cube(b))) << b;
}

INSTANTIATE_TEST_SUITE_P(Workers, Retries, ::testing::Values(1, 2, 8));

TEST(RetriesOption, ANegativeLimitIsRejectedByName) {
  SerialExecutor serial;
  try {
    BlockRunner runner(serial, 1, {.retries = -1});
    FAIL() << "no std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("retries is -1"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pardo::test
