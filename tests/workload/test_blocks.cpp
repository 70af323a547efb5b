// The workload skeleton (BlockRunner, run_blocks): outputs in block order on every backend,
// RunInfo, progress, stop, rounds and errors.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <pardo/pardo.hpp>
#include <pardo/workload/blocks.hpp>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "../stats/stats_support.hpp"
#include "../support.hpp"

namespace pardo::test {
namespace {

struct SquareTask {
  std::uint64_t block = 0;
};

std::uint64_t square(std::uint64_t b) {
  if (b == 1000) throw std::domain_error("block 1000 refuses");
  if (b == 1001) throw std::range_error("block 1001 refuses too");
  return b * b;
}
std::uint64_t square_block(SquareTask task) { return square(task.block); }
PARDO_REMOTE(square_block);

// A block that runs for a minute unless its worker is killed.
std::uint64_t sleepy_block(SquareTask task) {
  std::this_thread::sleep_for(std::chrono::seconds(60));
  return task.block;
}
PARDO_REMOTE(sleepy_block);

const auto local_square = [](std::uint64_t b) { return square(b); };
const auto square_remote =
    remote_blocks(&square_block, [](std::uint64_t b) { return SquareTask{b}; });

TEST(RunBlocks, OutputsInBlockOrderWithTheRunOnEveryBackend) {
  const auto results = on_every_backend([](auto& executor) {
    const BlockRun<std::uint64_t> run = run_blocks(executor, 37, local_square, square_remote);
    EXPECT_EQ(run.info.backend, executor.backend());
    EXPECT_EQ(run.info.workers, executor.size());
    EXPECT_GE(run.info.seconds, 0.0);
    return run;
  });
  for (const auto& [name, run] : results) {
    ASSERT_EQ(run.blocks.size(), 37u) << name;
    for (std::uint64_t b = 0; b < 37; ++b) {
      ASSERT_TRUE(run.blocks[b].has_value()) << name << " block " << b;
      EXPECT_EQ(*run.blocks[b], b * b) << name;
    }
    EXPECT_EQ(run.info.blocks_done, 37u) << name;
    EXPECT_EQ(run.info.blocks_total, 37u) << name;
    EXPECT_TRUE(run.info.complete) << name;
  }
  EXPECT_EQ(results.front().second.info.backend, "serial");
  EXPECT_EQ(results.back().second.info.backend, "processes");
}

TEST(RunBlocks, ZeroBlocksIsACompleteEmptyRun) {
  for (const auto& [name, run] : on_every_backend(
           [](auto& executor) { return run_blocks(executor, 0, local_square, square_remote); })) {
    EXPECT_TRUE(run.blocks.empty()) << name;
    EXPECT_EQ(run.info.blocks_done, 0u) << name;
    EXPECT_TRUE(run.info.complete) << name;
  }
}

TEST(RunBlocks, MoreBlocksThanMemoryHoldsAreRefusedNamingTheSize) {
  // 2^60 outputs of 16 bytes: refused before any is allocated, on every kind of executor.
  const std::uint64_t blocks = std::uint64_t{1} << 60;
  const auto refused = [&](auto& executor) {
    try {
      run_blocks(executor, blocks, local_square, square_remote);
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      return what.find(std::to_string(blocks) + " blocks needs") != std::string::npos &&
             what.find("EB of memory for the blocks' outputs") != std::string::npos;
    }
    return false;
  };
  SerialExecutor serial;
  ThreadPool threads(2);
  ProcessPool processes(std::size_t{2});
  EXPECT_TRUE(refused(serial));
  EXPECT_TRUE(refused(threads));
  EXPECT_TRUE(refused(processes));
}

TEST(RunBlocks, ProgressCountsEveryBlock) {
  for (const auto& [name, done] : on_every_backend([](auto& executor) {
         Progress progress;
         run_blocks(executor, 50, local_square, square_remote, {.progress = &progress});
         const Progress::Snapshot s = progress.snapshot();
         EXPECT_EQ(s.unit, "blocks");
         EXPECT_EQ(s.total, 50u);
         return s.done;
       })) {
    EXPECT_EQ(done, 50u) << name;
  }
}

TEST(RunBlocks, ProgressCountsEachBlocksUnitsInItsPhase) {
  for (const auto& [name, done] : on_every_backend([](auto& executor) {
         Progress progress;
         run_blocks(executor, 7, local_square, square_remote, {.progress = &progress},
                    {"squaring", "values", 650, even_units(100, 650)});
         const Progress::Snapshot s = progress.snapshot();
         EXPECT_EQ(s.phase, "squaring");
         EXPECT_EQ(s.unit, "values");
         EXPECT_EQ(s.total, 650u);
         return s.done;
       })) {
    EXPECT_EQ(done, 650u) << name;  // six blocks of 100 and a last one of 50
  }
}

TEST(RunBlocks, StopBeforeStartRunsNothing) {
  std::stop_source stop;
  stop.request_stop();
  for (const auto& [name, run] : on_every_backend([&](auto& executor) {
         return run_blocks(executor, 20, local_square, square_remote, {.stop = stop.get_token()});
       })) {
    ASSERT_EQ(run.blocks.size(), 20u) << name;
    EXPECT_EQ(run.info.blocks_done, 0u) << name;
    EXPECT_FALSE(run.info.complete) << name;
  }
}

TEST(RunBlocks, StopMidwayKeepsTheBlocksThatRan) {
  ThreadPool pool(1);
  std::stop_source stop;
  const auto stopping = [&](std::uint64_t b) {
    if (b == 5) stop.request_stop();
    return square(b);
  };
  const BlockRun<std::uint64_t> run =
      run_blocks(pool, 100, stopping, square_remote, {.stop = stop.get_token()});
  EXPECT_FALSE(run.info.complete);
  EXPECT_GE(run.info.blocks_done, 6u);
  EXPECT_LT(run.info.blocks_done, 100u);
  std::uint64_t present = 0;
  for (std::uint64_t b = 0; b < run.blocks.size(); ++b) {
    if (!run.blocks[b]) continue;
    ++present;
    EXPECT_EQ(*run.blocks[b], b * b);
  }
  EXPECT_EQ(present, run.info.blocks_done);
  for (std::uint64_t b = 0; b <= 5; ++b) EXPECT_TRUE(run.blocks[b].has_value()) << b;
}

TEST(RunBlocks, StopMidwayOnProcessesEndsAtABlockBoundary) {
  ProcessPool pool(2);
  std::stop_source stop;
  Progress progress;
  // Enough blocks that the run cannot end before the stopper sees three done, even when the
  // blocks outrun its polling (400 could, under ASan).
  constexpr std::uint64_t blocks = 1'000'000;
  BlockRunner runner(pool, blocks, {.stop = stop.get_token(), .progress = &progress});
  std::thread stopper([&] {
    eventually([&] { return progress.snapshot().done >= 3; });
    stop.request_stop();
  });
  const auto out = runner.run(0, blocks, local_square, square_remote);
  stopper.join();
  const RunInfo info = runner.info();
  EXPECT_FALSE(info.complete);
  EXPECT_TRUE(runner.stopped());
  std::uint64_t b = 0;
  while (b < out.size() && out[b]) {
    EXPECT_EQ(*out[b], b * b);
    ++b;
  }
  EXPECT_EQ(b, info.blocks_done);
  for (; b < out.size(); ++b) EXPECT_FALSE(out[b].has_value()) << "block " << b;
}

TEST(RunBlocks, ALocalBlockThatSeesTheStopCountsAsNotRun) {
  for (const std::size_t workers : std::initializer_list<std::size_t>{1, 2, 8}) {
    ThreadPool pool(workers);
    std::stop_source stop;
    Progress progress;
    // Block 0 is quick; the others would spin until stopped, checking the flag as they go.
    const auto local = [&](std::uint64_t b) -> std::uint64_t {
      if (b == 0) return 7;
      for (;;) {
        throw_if_stopped(stop.get_token());
        std::this_thread::yield();
      }
    };
    std::thread stopper([&] {
      eventually([&] { return progress.snapshot().done >= 1; });
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      stop.request_stop();
    });
    BlockRunner runner(pool, 4, {.stop = stop.get_token(), .progress = &progress});
    const auto out = runner.run(0, 4, local, square_remote);
    stopper.join();
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[0], std::optional<std::uint64_t>(7)) << workers << " workers";
    for (std::uint64_t b = 1; b < 4; ++b) EXPECT_FALSE(out[b].has_value()) << "block " << b;
    EXPECT_EQ(runner.info().blocks_done, 1u);
    EXPECT_FALSE(runner.info().complete);
    EXPECT_EQ(progress.snapshot().done, 1u);
  }
}

TEST(RunBlocks, AStoppedRunOnProcessesNeedNotWaitForItsLongBlocks) {
  for (const std::size_t workers : std::initializer_list<std::size_t>{1, 2, 8}) {
    ProcessPool pool(workers);
    std::stop_source stop;
    const auto remote = remote_blocks(&sleepy_block, [](std::uint64_t b) { return SquareTask{b}; });
    BlockRunner runner(pool, 100, {.stop = stop.get_token()});
    std::thread stopper([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      stop.request_stop();
    });
    const auto start = std::chrono::steady_clock::now();
    const auto out = runner.run(0, 100, local_square, remote);
    stopper.join();
    for (const auto& output : out) EXPECT_FALSE(output.has_value());
    EXPECT_FALSE(runner.info().complete);
    // The blocks still sleep in the workers: terminate() ends them rather than wait a minute.
    pool.terminate();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20))
        << workers << " workers";
  }
}

TEST(RunBlocks, RoundsAddUpInOneRunInfo) {
  for (const auto& [name, info] : on_every_backend([](auto& executor) {
         BlockRunner runner(executor, 30);
         const auto first = runner.run(0, 10, local_square, square_remote);
         const auto second = runner.run(10, 20, local_square, square_remote);
         EXPECT_EQ(*first[9], 81u);
         EXPECT_EQ(*second[0], 100u);
         EXPECT_EQ(*second[19], 29u * 29u);
         return runner.info();
       })) {
    EXPECT_EQ(info.blocks_done, 30u) << name;
    EXPECT_EQ(info.blocks_total, 30u) << name;
    EXPECT_TRUE(info.complete) << name;
  }
}

TEST(RunBlocks, TheFirstErrorByBlockOrderIsRethrown) {
  // Blocks 1000 and 1001 both throw; whatever finishes first, block 1000's error is the one.
  for (const auto& [name, error] : on_every_backend([](auto& executor) -> std::string {
         try {
           run_blocks(executor, 1100, local_square, square_remote);
         } catch (const RemoteError& e) {  // worker processes: the type travels as its name
           return e.type_name() + ": " + e.message();
         } catch (const std::domain_error& e) {
           return std::string("std::domain_error: ") + e.what();
         } catch (const std::exception& e) {
           return std::string("another error: ") + e.what();
         }
         return "no error";
       })) {
    EXPECT_EQ(error, "std::domain_error: block 1000 refuses") << name;
  }
}

double twice(double x) { return 2 * x; }
PARDO_REMOTE_FUNCTION(twice);

TEST(RemoteHandle, IsTheFunctionOnRemoteExecutorsAndEmptyInProcess) {
  using Handle = RemoteFunction<double(double)>;
  EXPECT_FALSE((remote_handle<Handle, ThreadPool>(&twice)));
  EXPECT_FALSE((remote_handle<Handle, SerialExecutor>(&twice)));
  const Handle remote = remote_handle<Handle, ProcessPool>(&twice);
  ASSERT_TRUE(remote);
  EXPECT_EQ(remote.get(), &twice);
  EXPECT_EQ((remote_handle<Handle, ProcessPool>(remote).id()), remote.id());
}

}  // namespace
}  // namespace pardo::test
