// BlockData: a workload's data set reaches worker processes through one broadcast (a shared
// segment on ProcessPool), not inside every block's task; small data goes inline.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <pardo/pardo.hpp>
#include <pardo/workload/block_data.hpp>
#include <pardo/workload/blocks.hpp>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace pardo::test {
namespace {

struct SliceTask {
  BlockData data;
  std::uint64_t block = 0;
  std::uint64_t blocks = 1;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(data, block, blocks);
  }
};

/// The sum of block b's slice of the data, and whether the task carried a handle.
struct SliceSum {
  double sum = 0;
  bool shared = false;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(sum, shared);
  }
  friend bool operator==(const SliceSum&, const SliceSum&) = default;
};

SliceSum slice_sum(std::span<const double> values, std::uint64_t block, std::uint64_t blocks) {
  const std::size_t begin = values.size() * block / blocks;
  const std::size_t end = values.size() * (block + 1) / blocks;
  return {std::accumulate(values.begin() + static_cast<std::ptrdiff_t>(begin),
                          values.begin() + static_cast<std::ptrdiff_t>(end), 0.0),
          false};
}

SliceSum slice_block(SliceTask task) {
  SliceSum out = slice_sum(task.data.values(), task.block, task.blocks);
  out.shared = task.data.shared();
  return out;
}
PARDO_REMOTE(slice_block);

std::vector<double> ramp(std::size_t n) {
  std::vector<double> values(n);
  for (std::size_t i = 0; i < n; ++i) values[i] = 0.25 * static_cast<double>(i) - 3.0;
  return values;
}

std::string encoded(const SliceTask& task) {
  std::string bytes;
  wire::Writer out(bytes);
  wire::encode(out, task);
  return bytes;
}

SliceTask decoded(const std::string& bytes) {
  wire::Reader in(bytes);
  return wire::decode<SliceTask>(in);
}

constexpr std::size_t threshold_values = BlockData::share_threshold_bytes / sizeof(double);

class BlockDataOnProcesses : public ::testing::TestWithParam<std::size_t> {};

TEST_P(BlockDataOnProcesses, WorkersReadTheSharedValuesAndGiveTheInProcessAnswer) {
  ProcessPool pool(GetParam());
  const std::vector<double> values = ramp(3 * threshold_values + 5);
  const BlockData data = BlockData::share(pool, {values});
  ASSERT_TRUE(data.shared());
  const std::uint64_t blocks = 37;
  const BlockRun<SliceSum> run = run_blocks(
      pool, blocks, [&](std::uint64_t b) { return slice_sum(values, b, blocks); },
      remote_blocks(&slice_block, [&](std::uint64_t b) {
        return SliceTask{data, b, blocks};
      }));
  ASSERT_EQ(run.info.blocks_done, blocks);
  for (std::uint64_t b = 0; b < blocks; ++b) {
    const SliceSum expected = slice_sum(values, b, blocks);
    ASSERT_TRUE(run.blocks[b].has_value()) << b;
    EXPECT_EQ(run.blocks[b]->sum, expected.sum) << "block " << b;
    EXPECT_TRUE(run.blocks[b]->shared) << "block " << b;
  }
}

TEST_P(BlockDataOnProcesses, SeveralPartsAreSharedOneAfterAnother) {
  ProcessPool pool(GetParam());
  const std::vector<double> x = ramp(threshold_values);
  const std::vector<double> y(7, 2.5);
  const BlockData data = BlockData::share(pool, {x, y});
  ASSERT_TRUE(data.shared());
  ASSERT_EQ(data.values().size(), x.size() + y.size());
  EXPECT_TRUE(std::equal(x.begin(), x.end(), data.values().begin()));
  EXPECT_TRUE(std::equal(y.begin(), y.end(), data.values().begin() + std::ssize(x)));
  EXPECT_NE(data.values().data(), x.data()) << "a shared BlockData holds its own copy";
  const SliceSum all = pool.submit(&slice_block, SliceTask{data, 0, 1}).get();
  EXPECT_EQ(all.sum, slice_sum(data.values(), 0, 1).sum);
  EXPECT_TRUE(all.shared);
}

TEST_P(BlockDataOnProcesses, BelowTheThresholdTasksCarryTheValues) {
  ProcessPool pool(GetParam());
  const std::vector<double> values = ramp(threshold_values - 1);
  const BlockData data = BlockData::share(pool, {values});
  EXPECT_FALSE(data.shared());
  EXPECT_EQ(data.values().data(), values.data()) << "one small part is viewed, not copied";
  const SliceSum all = pool.submit(&slice_block, SliceTask{data, 0, 1}).get();
  EXPECT_EQ(all.sum, slice_sum(values, 0, 1).sum);
  EXPECT_FALSE(all.shared);
}

INSTANTIATE_TEST_SUITE_P(Workers, BlockDataOnProcesses, ::testing::Values(1, 2, 8));

TEST(BlockData, ASharedTaskEncodesToAHandleWhateverTheDataSize) {
  ProcessPool pool(1);
  const std::vector<double> values = ramp(100 * threshold_values);
  const BlockData data = BlockData::share(pool, {values});
  const std::string bytes = encoded(SliceTask{data, 3, 4});
  EXPECT_LT(bytes.size(), 128u) << "the task carries a handle, not " << values.size() << " values";
  const auto back = decoded(bytes);
  EXPECT_TRUE(back.data.shared());
  ASSERT_EQ(back.data.values().size(), values.size());
  EXPECT_TRUE(std::equal(values.begin(), values.end(), back.data.values().begin()));
}

TEST(BlockData, AnInlineTaskCarriesEveryValue) {
  ProcessPool pool(1);
  const std::vector<double> x = ramp(100);
  const std::vector<double> y = ramp(50);
  const BlockData data = BlockData::share(pool, {x, y});
  EXPECT_FALSE(data.shared());
  const std::string bytes = encoded(SliceTask{data, 0, 1});
  EXPECT_GE(bytes.size(), 150 * sizeof(double));
  const auto back = decoded(bytes);
  EXPECT_FALSE(back.data.shared());
  ASSERT_EQ(back.data.values().size(), 150u);
  EXPECT_TRUE(std::equal(x.begin(), x.end(), back.data.values().begin()));
  EXPECT_TRUE(std::equal(y.begin(), y.end(), back.data.values().begin() + 100));
}

TEST(BlockData, InProcessExecutorsGetAnEmptyOne) {
  const std::vector<double> values = ramp(2 * threshold_values);
  SerialExecutor serial;
  ThreadPool threads(2);
  EXPECT_TRUE(BlockData::share(serial, {values}).values().empty());
  EXPECT_TRUE(BlockData::share(threads, {values}).values().empty());
}

TEST(BlockData, AHandleOutlivingItsSegmentIsRefusedOnDecode) {
  ProcessPool pool(1);
  std::string bytes;
  {
    const std::vector<double> values = ramp(threshold_values);
    bytes = encoded(SliceTask{BlockData::share(pool, {values}), 0, 1});
    // What a task made of these bytes would have kept alive until it was done.
    detail::encoded_blobs.clear();
  }
  try {
    decoded(bytes);
    FAIL() << "a handle to a freed segment was accepted";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("attach"), std::string::npos) << e.what();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("attach"), std::string::npos) << e.what();
  }
}

TEST(BlockData, ALostWorkerDoesNotLoseTheData) {
  // The segment belongs to the parent: a block retried on a fresh worker maps it again.
  ProcessPool pool(2);
  const std::vector<double> values = ramp(2 * threshold_values);
  const BlockData data = BlockData::share(pool, {values});
  ASSERT_TRUE(data.shared());
  EXPECT_EQ(pool.submit(&slice_block, SliceTask{data, 0, 1}).get().sum,
            slice_sum(values, 0, 1).sum);
  for (const int pid : pool.worker_pids()) ::kill(pid, SIGKILL);
  const BlockRun<SliceSum> run = run_blocks(
      pool, 4, [&](std::uint64_t b) { return slice_sum(values, b, 4); },
      remote_blocks(&slice_block, [&](std::uint64_t b) {
        return SliceTask{data, b, 4};
      }));
  for (std::uint64_t b = 0; b < 4; ++b) {
    ASSERT_TRUE(run.blocks[b].has_value()) << b;
    EXPECT_EQ(run.blocks[b]->sum, slice_sum(values, b, 4).sum) << b;
  }
}

}  // namespace
}  // namespace pardo::test
