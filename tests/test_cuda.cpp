// The GPU backend on the CPU path: the code a GPU thread runs for pi (its host instantiation)
// counts what the CPU's kernels count, thread by thread and block by block; a launch's warps
// each count for one block; and estimate_pi refuses bad options before it looks for a device,
// then either gives the CPU's hits bit for bit (a GPU) or throws cuda::Unavailable saying why.
#include <gmock/gmock.h>

#include <cstdint>
#include <pardo/cuda.hpp>
#include <pardo/cuda/detail/pi_kernel.hpp>
#include <pardo/mc/pi.hpp>
#include <pardo/random/bulk.hpp>
#include <pardo/random/stream.hpp>
#include <pardo/serial_executor.hpp>
#include <stdexcept>
#include <vector>

namespace pardo::test {
namespace {

using ::testing::HasSubstr;

TEST(CudaPi, TheGpuThreadsCountIsTheCpuKernelsCount) {
  for (const std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{42}, ~std::uint64_t{0}}) {
    const random::Key key = random::derive_key(seed);
    for (const std::uint64_t stream :
         {std::uint64_t{0}, std::uint64_t{7}, std::uint64_t{1} << 40}) {
      for (const std::uint64_t first :
           {std::uint64_t{0}, std::uint64_t{5}, (std::uint64_t{1} << 32) - 3}) {
        for (const std::uint64_t n : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{1000}}) {
          EXPECT_EQ(random::detail::count_quarter_disc(key[0], key[1], stream, first, n),
                    random::count_in_quarter_disc(random::SimdLevel::scalar, key, stream, first, n))
              << "seed " << seed << ", stream " << stream << ", first " << first << ", n " << n;
          if (random::supported(random::simd_level())) {
            EXPECT_EQ(random::detail::count_quarter_disc(key[0], key[1], stream, first, n),
                      random::count_in_quarter_disc(key, stream, first, n));
          }
        }
      }
    }
  }
}

// Every thread of a launch run on the host, added up per block as the kernel's atomics do.
TEST(CudaPi, ALaunchsThreadsAddUpToEachBlocksCountAndAWarpCountsForOneBlock) {
  const random::Key key = random::derive_key(2026);
  for (const std::uint64_t pairs : {std::uint64_t{1}, std::uint64_t{255}, std::uint64_t{256},
                                    std::uint64_t{257}, std::uint64_t{8193}}) {
    for (const std::uint64_t first_pair : {std::uint64_t{0}, std::uint64_t{1} << 31}) {
      constexpr std::uint64_t first_block = 11;
      constexpr std::uint64_t blocks = 3;
      const std::uint64_t per_block = cuda::detail::pi_threads_per_block(pairs);
      EXPECT_EQ(per_block % 32, 0u);
      EXPECT_GE(per_block * cuda::detail::pi_chunk_pairs, pairs);
      std::vector<std::uint64_t> counts(blocks);
      for (std::uint64_t id = 0; id < blocks * per_block; ++id) {
        const cuda::detail::PiShare share = cuda::detail::pi_thread_share(
            key[0], key[1], first_block, first_pair, pairs, per_block, id);
        ASSERT_LT(share.block_offset, blocks);
        EXPECT_EQ(share.block_offset, (id - id % 32) / per_block) << "thread " << id;
        counts[share.block_offset] += share.hits;
      }
      for (std::uint64_t j = 0; j < blocks; ++j) {
        EXPECT_EQ(counts[j], random::count_in_quarter_disc(key, first_block + j, first_pair, pairs))
            << pairs << " pairs from " << first_pair << ", block " << j;
      }
    }
  }
}

TEST(CudaPi, BadOptionsAreRefusedBeforeAnyDeviceIsLookedFor) {
  EXPECT_THAT(
      [] { cuda::estimate_pi({.samples = 0}); },
      ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("samples must be positive")));
  EXPECT_THAT(
      [] { cuda::estimate_pi({.samples = 1000, .method = mc::PiMethod::naive}); },
      ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("method naive runs on the CPU")));
}

// With a GPU: the CPU's hits, bit for bit, with odd block sizes and a short last block, over
// one launch or many. Without: cuda::Unavailable, saying why.
TEST(CudaPi, EstimatePiGivesTheCpusHitsOrSaysWhyItCannot) {
  std::vector<cuda::Device> devices;
  try {
    devices = cuda::devices();
  } catch (const cuda::Unavailable& e) {
    EXPECT_THAT(std::string(e.what()),
                cuda::compiled_in() ? HasSubstr("CUDA") : HasSubstr("built without CUDA"));
    EXPECT_THROW(cuda::estimate_pi({.samples = 1000}), cuda::Unavailable);
    GTEST_SKIP() << "no usable GPU: " << e.what();
  }
  ASSERT_FALSE(devices.empty());
  SerialExecutor serial;
  for (const std::uint64_t block :
       {std::uint64_t{65536}, std::uint64_t{65537}, std::uint64_t{1} << 22}) {
    for (const std::size_t per_launch : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
      const mc::PiOptions options{.samples = 50'000'001, .seed = 9, .block_samples = block};
      const mc::PiResult cpu = mc::estimate_pi(serial, options);
      const mc::PiResult gpu = cuda::estimate_pi(options, {}, {.blocks_per_launch = per_launch});
      EXPECT_EQ(gpu.hits, cpu.hits) << block << " samples a block, " << per_launch << " a launch";
      EXPECT_EQ(gpu.estimate, cpu.estimate);
      EXPECT_EQ(gpu.run.backend, "cuda");
      EXPECT_TRUE(gpu.run.complete);
    }
  }
  EXPECT_THAT(
      [] { cuda::estimate_pi({.samples = 1000}, {}, {.devices = {99}}); },
      ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("device 99 does not exist")));
}

}  // namespace
}  // namespace pardo::test
