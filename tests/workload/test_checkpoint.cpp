// Checkpoint/restart: a run resumed from a checkpoint runs only the missing blocks and gives
// the bits of a run never interrupted, whichever backend wrote it and whichever resumes it; a
// stopped run writes its checkpoint; another run's checkpoint, a damaged one and a file that
// cannot be written are refused naming what is wrong.
#include <gmock/gmock.h>

#include <sys/stat.h>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <pardo/mc/pi.hpp>
#include <pardo/pardo.hpp>
#include <pardo/workload/blocks.hpp>
#include <pardo/workload/checkpoint.hpp>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

#include "../stats/stats_support.hpp"
#include "../support.hpp"

namespace pardo::test {
namespace {

using ::testing::HasSubstr;

struct WaveTask {
  std::uint64_t block = 0;
};

// Doubles whose last bits depend on every operation: equal outputs mean equal bits.
std::vector<double> wave(std::uint64_t b) {
  const double x = static_cast<double>(b) + 0.5;
  return {std::sin(x) / x, std::sqrt(x) * 1e-7, std::exp(-x / 7.0)};
}
std::vector<double> wave_block(WaveTask task) { return wave(task.block); }
PARDO_REMOTE(wave_block);

const auto local_wave = [](std::uint64_t b) { return wave(b); };
const auto wave_remote = remote_blocks(&wave_block, [](std::uint64_t b) { return WaveTask{b}; });
constexpr std::uint64_t blocks = 37;

// A file in a fresh directory of its own, removed with it.
class Scratch {
 public:
  Scratch() : dir_(std::filesystem::temp_directory_path() / ("pardo-ckpt-" + unique())) {
    std::filesystem::create_directories(dir_);
  }
  ~Scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  std::filesystem::path file(const std::string& name) const { return dir_ / name; }

 private:
  static std::string unique() {
    static int count = 0;
    return std::to_string(::getpid()) + "-" + std::to_string(count++);
  }
  std::filesystem::path dir_;
};

const RunIdentity identity{{"command", "wave"}, {"seed", "1"}};

// A run of `blocks` that ended after its first `done` blocks, as a killed one would, checkpointed
// to `file` by `executor`.
template <class E>
void write_partial(E& executor, const std::filesystem::path& file, std::uint64_t done) {
  Checkpoint checkpoint({.file = file, .every = std::chrono::hours(1), .identity = identity});
  BlockRunner runner(executor, blocks, {.checkpoint = &checkpoint});
  runner.run(0, done, local_wave, wave_remote);
  checkpoint.write();
}

std::vector<std::optional<std::vector<double>>> fresh_outputs() {
  SerialExecutor serial;
  return run_blocks(serial, blocks, local_wave, wave_remote).blocks;
}

TEST(Checkpoint, AResumedRunRunsTheRestAndGivesTheSameBitsOnEveryBackend) {
  const Scratch scratch;
  const auto fresh = fresh_outputs();
  // Written by processes, resumed everywhere; written by threads, resumed on processes below.
  {
    ProcessPool writer(3);
    write_partial(writer, scratch.file("by-processes.ckpt"), 20);
  }
  const auto results = on_every_backend([&](auto& executor) {
    Checkpoint checkpoint({.resume = scratch.file("by-processes.ckpt"), .identity = identity});
    EXPECT_EQ(checkpoint.restored(), 20u);
    return run_blocks(executor, blocks, local_wave, wave_remote, {.checkpoint = &checkpoint});
  });
  for (const auto& [name, run] : results) {
    EXPECT_EQ(run.blocks, fresh) << name;
    EXPECT_EQ(run.info.blocks_restored, 20u) << name;
    EXPECT_EQ(run.info.blocks_done, blocks) << name;
    EXPECT_TRUE(run.info.complete) << name;
  }
  {
    ThreadPool writer(2);
    write_partial(writer, scratch.file("by-threads.ckpt"), 11);
  }
  ProcessPool resumer(2);
  Checkpoint checkpoint({.resume = scratch.file("by-threads.ckpt"), .identity = identity});
  const auto run =
      run_blocks(resumer, blocks, local_wave, wave_remote, {.checkpoint = &checkpoint});
  EXPECT_EQ(run.blocks, fresh);
  EXPECT_EQ(run.info.blocks_restored, 11u);
}

TEST(Checkpoint, AStoppedRunWritesItsCheckpointAndTheResumedRunEndsLikeAFreshOne) {
  const Scratch scratch;
  const auto fresh = fresh_outputs();
  for (const std::size_t workers : {std::size_t{1}, std::size_t{2}, std::size_t{8}}) {
    const auto file = scratch.file("stopped" + std::to_string(workers) + ".ckpt");
    ThreadPool pool(workers);
    {
      Checkpoint checkpoint({.file = file, .every = std::chrono::hours(1), .identity = identity});
      // Blocks 0 to 8 finish; the others are stopped as they start, whatever order they run in.
      const auto stopping = [&](std::uint64_t b) {
        if (b >= 9) throw BlockStopped();
        return wave(b);
      };
      const auto run = run_blocks(pool, blocks, stopping, wave_remote, {.checkpoint = &checkpoint});
      ASSERT_FALSE(run.info.complete) << workers;
      EXPECT_EQ(checkpoint.writes(), 2u) << "the first write, and the stopped run's";
      EXPECT_EQ(checkpoint.write_error(), "");
      // Nothing finished since: the file holds it all, and is not written again.
      EXPECT_TRUE(checkpoint.try_write());
      EXPECT_EQ(checkpoint.writes(), 2u);
    }
    Checkpoint resumed({.resume = file, .identity = identity});
    EXPECT_EQ(resumed.restored(), 9u) << workers;
    const auto run = run_blocks(pool, blocks, local_wave, wave_remote, {.checkpoint = &resumed});
    EXPECT_EQ(run.blocks, fresh) << workers;
    EXPECT_TRUE(run.info.complete) << workers;
  }
}

TEST(Checkpoint, PiStoppedOnThreadsAndResumedOnProcessesHasTheUninterruptedBits) {
  const Scratch scratch;
  const mc::PiOptions options{.samples = static_cast<std::uint64_t>(4e9 / slow_build),
                              .seed = 7,
                              .block_samples = std::uint64_t{1} << 22};
  const RunIdentity pi_identity{{"command", "pi"}, {"samples", std::to_string(options.samples)}};
  const auto file = scratch.file("pi.ckpt");
  ThreadPool threads(2);
  const mc::PiResult stopped =
      stopped_after_100ms([&](std::stop_token stop) {
        Checkpoint checkpoint({.file = file, .identity = pi_identity});
        return mc::estimate_pi(threads, options, {.stop = stop, .checkpoint = &checkpoint});
      }).first;
  ASSERT_FALSE(stopped.run.complete) << "the run ended before the stop: make it longer";
  ProcessPool processes(2);
  Checkpoint checkpoint({.resume = file, .identity = pi_identity});
  const mc::PiResult resumed = mc::estimate_pi(processes, options, {.checkpoint = &checkpoint});
  const mc::PiResult fresh = mc::estimate_pi(threads, options);
  EXPECT_EQ(resumed.hits, fresh.hits);
  EXPECT_EQ(bits(resumed.estimate), bits(fresh.estimate));
  EXPECT_EQ(resumed.run.blocks_restored, stopped.run.blocks_done);
  EXPECT_TRUE(resumed.run.complete);
}

TEST(Checkpoint, AnotherRunsCheckpointIsRefusedNamingTheFieldsThatDiffer) {
  const Scratch scratch;
  SerialExecutor serial;
  write_partial(serial, scratch.file("a.ckpt"), 5);
  const auto refusal = [&](const RunIdentity& other) -> std::string {
    try {
      Checkpoint checkpoint({.resume = scratch.file("a.ckpt"), .identity = other});
    } catch (const CheckpointError& e) {
      return e.what();
    }
    return "accepted";
  };
  EXPECT_THAT(refusal({{"command", "wave"}, {"seed", "2"}}),
              HasSubstr("a.ckpt: the checkpoint is from another run: seed is '1' there and '2' "
                        "here"));
  EXPECT_THAT(refusal({{"command", "wave"}, {"seed", "1"}, {"data", "crc 1234"}}),
              HasSubstr("data is 'crc 1234' here and absent there"));
  EXPECT_THAT(refusal({{"command", "wave"}}), HasSubstr("seed is '1' there and absent here"));
  EXPECT_EQ(refusal(identity), "accepted");
}

TEST(Checkpoint, ADamagedOrMissingFileIsRefusedSayingWhy) {
  const Scratch scratch;
  SerialExecutor serial;
  const auto good = scratch.file("good.ckpt");
  write_partial(serial, good, 5);
  std::ifstream in(good, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto refusal = [&](const std::string& name, const std::string& contents) -> std::string {
    std::ofstream(scratch.file(name), std::ios::binary) << contents;
    try {
      Checkpoint checkpoint({.resume = scratch.file(name), .identity = identity});
    } catch (const CheckpointError& e) {
      return e.what();
    }
    return "accepted";
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x10);
  EXPECT_THAT(refusal("flipped", flipped), HasSubstr("its CRC-32 does not match its contents"));
  EXPECT_THAT(refusal("truncated", bytes.substr(0, bytes.size() - 9)),
              HasSubstr("truncated: not a pardo checkpoint, or a damaged one: its CRC-32"));
  EXPECT_THAT(refusal("stub", "PARDOCK1"), HasSubstr("it is truncated"));
  EXPECT_THAT(refusal("text", "seed,1\n"), HasSubstr("it does not begin with PARDOCK1"));
  EXPECT_THAT(refusal("empty", ""), HasSubstr("it does not begin with PARDOCK1"));
  EXPECT_EQ(refusal("copy", bytes), "accepted");

  const auto missing = scratch.file("missing.ckpt");
  try {
    Checkpoint checkpoint({.resume = missing, .identity = identity});
    ADD_FAILURE() << "a missing checkpoint was accepted";
  } catch (const CheckpointError& e) {
    EXPECT_THAT(e.what(), HasSubstr("missing.ckpt: cannot open: No such file or directory"));
  }
  Checkpoint fresh({.resume = missing, .resume_if_missing = true, .identity = identity});
  EXPECT_EQ(fresh.restored(), 0u);
  try {
    Checkpoint checkpoint({.resume = scratch.file(""), .identity = identity});
    ADD_FAILURE() << "a directory was accepted";
  } catch (const CheckpointError& e) {
    EXPECT_THAT(e.what(), HasSubstr("is a directory"));
  }
}

TEST(Checkpoint, AFileThatCannotBeWrittenFailsBeforeTheRun) {
  const Scratch scratch;
  try {
    Checkpoint checkpoint({.file = scratch.file("no/such/dir/run.ckpt"), .identity = identity});
    ADD_FAILURE() << "an impossible checkpoint file was accepted";
  } catch (const CheckpointError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no/such/dir/run.ckpt.tmp."));
    EXPECT_THAT(e.what(), HasSubstr("cannot create: No such file or directory"));
  }
  // A write renames over FILE: a directory or a device there is refused, never replaced.
  const auto fifo = scratch.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const auto& target : {scratch.file(""), fifo}) {
    try {
      Checkpoint checkpoint({.file = target, .identity = identity});
      ADD_FAILURE() << target << " was accepted";
    } catch (const CheckpointError& e) {
      EXPECT_THAT(e.what(), HasSubstr("not a regular file"));
    }
  }
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
  EXPECT_THROW(Checkpoint({.every = std::chrono::duration<double>(-1)}), std::invalid_argument);
  EXPECT_THROW(Checkpoint({.every = std::chrono::duration<double>(NAN)}), std::invalid_argument);
}

TEST(Checkpoint, WritesComeNoOftenerThanAskedAndNothingIsLeftBehind) {
  const Scratch scratch;
  SerialExecutor serial;
  Checkpoint rare({.file = scratch.file("rare.ckpt"), .every = std::chrono::hours(1)});
  run_blocks(serial, blocks, local_wave, wave_remote, {.checkpoint = &rare});
  EXPECT_EQ(rare.writes(), 1u) << "only the first: an hour has not passed";
  Checkpoint every_block({.file = scratch.file("often.ckpt"), .every = std::chrono::seconds(0)});
  run_blocks(serial, blocks, local_wave, wave_remote, {.checkpoint = &every_block});
  EXPECT_EQ(every_block.writes(), 1 + blocks);
  // Only the two checkpoints: no temporary file stays.
  std::size_t files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(scratch.file("often.ckpt").parent_path())) {
    EXPECT_THAT(entry.path().filename().string(), ::testing::EndsWith(".ckpt"));
    ++files;
  }
  EXPECT_EQ(files, 2u);
}

TEST(Checkpoint, ARunThatDoesNotRepeatItselfIsRefused) {
  const Scratch scratch;
  SerialExecutor serial;
  write_partial(serial, scratch.file("a.ckpt"), 5);  // its one runner shows "running"
  Checkpoint checkpoint({.resume = scratch.file("a.ckpt"), .identity = identity});
  try {
    BlockRunner runner(serial, blocks, {.checkpoint = &checkpoint},
                       BlockProgress{"sampling", "blocks", 0, {}});
    ADD_FAILURE() << "a runner of another phase was accepted";
  } catch (const CheckpointError& e) {
    EXPECT_THAT(e.what(), HasSubstr("the resumed run's step 1 was 'running', this run's is "
                                    "'sampling'"));
  }
}

}  // namespace
}  // namespace pardo::test
