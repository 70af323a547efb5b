// The GPU backend on the CPU path: the code a GPU thread runs (its host instantiation) counts
// what the CPU's pi kernels count, thread by thread and block by block, and sums an
// integration block into the CPU's moments bit for bit; a launch's warps each count for one
// block; and estimate_pi and integrate refuse bad options before they look for a device, then
// either give the CPU's answer (a GPU) or throw cuda::Unavailable saying why.
#include <gmock/gmock.h>

#include <cmath>
#include <cstdint>
#include <pardo/cuda.hpp>
#include <pardo/cuda/detail/integrate_kernel.hpp>
#include <pardo/cuda/detail/integrate_plan.hpp>
#include <pardo/cuda/detail/pi_kernel.hpp>
#include <pardo/mc/integrate.hpp>
#include <pardo/mc/pi.hpp>
#include <pardo/random/bulk.hpp>
#include <pardo/random/stream.hpp>
#include <pardo/serial_executor.hpp>
#include <span>
#include <stdexcept>
#include <string>
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

struct Builtin {
  cuda::Integrand gpu;
  double (*cpu)(std::span<const double>);
  const char* name;
};

constexpr Builtin builtins[] = {
    {cuda::Integrand::unit_ball, mc::integrands::unit_ball, "unit_ball"},
    {cuda::Integrand::cross_polytope, mc::integrands::cross_polytope, "cross_polytope"},
    {cuda::Integrand::gaussian, mc::integrands::gaussian, "gaussian"},
    {cuda::Integrand::cosine, mc::integrands::cosine, "cosine"},
};

// Boxes of 1 to 7 axes (odd ones put a point's doubles across Philox blocks), plain and with
// grids that cut every axis or only some, and each run's short last block.
TEST(CudaIntegrate, AGpuThreadsBlockIsTheCpusBlockBitForBit) {
  struct Case {
    std::size_t dim;
    mc::IntegrationMethod method;
    std::uint64_t strata;
    std::uint64_t samples;
    std::uint64_t block_samples;
  };
  const Case cases[] = {
      {1, mc::IntegrationMethod::plain, 1, 5000, 1024},
      {2, mc::IntegrationMethod::stratified, 16, 4100, 512},
      {3, mc::IntegrationMethod::plain, 1, 3001, 1000},
      {3, mc::IntegrationMethod::stratified, 64, 6000, 640},
      {7, mc::IntegrationMethod::stratified, 8, 2000, 256},
      {7, mc::IntegrationMethod::plain, 1, 1999, 700},
  };
  for (const Builtin& builtin : builtins) {
    for (const Case& c : cases) {
      const mc::Box box{std::vector<double>(c.dim, -0.75), std::vector<double>(c.dim, 1.25)};
      const mc::IntegrateOptions options{.samples = c.samples,
                                         .seed = 2026,
                                         .method = c.method,
                                         .strata = c.strata,
                                         .block_samples = c.block_samples};
      const mc::detail::IntegratePlan plan = mc::detail::make_plan(box, options);
      const std::vector<double> width = cuda::detail::box_widths(plan);
      const cuda::detail::IntegrateKernelPlan kernel =
          cuda::detail::kernel_plan(plan, builtin.gpu, width);
      const std::uint64_t cells = kernel.cells;
      std::vector<double> cell_means(cells);
      const std::uint64_t blocks = mc::detail::blocks_total(plan);
      ASSERT_GE(blocks, 2u);
      for (std::uint64_t b = 0; b < blocks; ++b) {
        const mc::detail::BlockMoments cpu =
            mc::detail::integrate_block(plan, b, mc::detail::make_integrand_ref(builtin.cpu));
        const mc::detail::BlockMoments gpu =
            cuda::detail::block_moments(kernel, b, cell_means.data(), 1);
        const std::string where = std::string(builtin.name) + ", dim " + std::to_string(c.dim) +
                                  ", " + std::to_string(cells) + " cells, block " +
                                  std::to_string(b) + " of " + std::to_string(blocks);
        EXPECT_EQ(gpu.n, cpu.n) << where;
        EXPECT_EQ(gpu.mean, cpu.mean) << where;
        EXPECT_EQ(gpu.m2, cpu.m2) << where;
        EXPECT_EQ(gpu.within, cpu.within) << where;
        EXPECT_EQ(gpu.within_df, cpu.within_df) << where;
        EXPECT_EQ(gpu.nonzero, cpu.nonzero) << where;
      }
    }
  }
}

// A launch's threads keep their cells' means interleaved: each thread's block is unchanged.
TEST(CudaIntegrate, InterleavedCellMeansChangeNoBlock) {
  const mc::Box box = mc::Box::cube(2, 0, 1);
  const mc::detail::IntegratePlan plan =
      mc::detail::make_plan(box, {.samples = 8000,
                                  .method = mc::IntegrationMethod::stratified,
                                  .strata = 25,
                                  .block_samples = 1000});
  const std::vector<double> width = cuda::detail::box_widths(plan);
  const cuda::detail::IntegrateKernelPlan kernel =
      cuda::detail::kernel_plan(plan, cuda::Integrand::gaussian, width);
  const std::uint64_t cells = kernel.cells;
  ASSERT_EQ(cells, 25u);
  constexpr std::uint64_t threads = 3;
  std::vector<double> interleaved(cells * threads, -1.0);
  std::vector<double> alone(cells);
  for (std::uint64_t t = 0; t < threads; ++t) {
    const mc::detail::BlockMoments a =
        cuda::detail::block_moments(kernel, 4 + t, interleaved.data() + t, threads);
    const mc::detail::BlockMoments b = cuda::detail::block_moments(kernel, 4 + t, alone.data(), 1);
    EXPECT_EQ(a.within, b.within) << "thread " << t;
    EXPECT_EQ(a.m2, b.m2) << "thread " << t;
    for (std::uint64_t c = 0; c < cells; ++c) EXPECT_EQ(interleaved[c * threads + t], alone[c]);
  }
}

TEST(CudaIntegrate, BadArgumentsAreRefusedBeforeAnyDeviceIsLookedFor) {
  const mc::Box box = mc::Box::cube(3, -1, 1);
  EXPECT_THAT([&] { cuda::integrate(static_cast<cuda::Integrand>(9), box); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("unknown integrand 9")));
  EXPECT_THAT([&] { cuda::integrate(cuda::Integrand::gaussian, box, {.samples = 1}); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("samples is 1")));
  EXPECT_THAT(
      [] {
        cuda::integrate(cuda::Integrand::gaussian, {{0.0, 1.0}, {1.0, 1.0}});
      },
      ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("is not below box.upper[1]")));
}

// With a GPU: the CPU's estimate (its bits for the indicator integrands, within 1e-13 for the
// device's exp and cos), over one launch or many, plain, stratified and to a tolerance.
// Without: cuda::Unavailable, saying why.
TEST(CudaIntegrate, IntegrateGivesTheCpusEstimateOrSaysWhyItCannot) {
  try {
    (void)cuda::devices();
  } catch (const cuda::Unavailable& e) {
    EXPECT_THROW(cuda::integrate(cuda::Integrand::gaussian, mc::Box::cube(2, 0, 1)),
                 cuda::Unavailable);
    GTEST_SKIP() << "no usable GPU: " << e.what();
  }
  SerialExecutor serial;
  const mc::Box box = mc::Box::cube(5, -1, 1);
  const mc::IntegrateOptions runs[] = {
      {.samples = 3'000'001, .seed = 5},
      {.samples = 2'000'000, .method = mc::IntegrationMethod::stratified, .strata = 243},
      {.samples = 100'000'000, .rel_tol = 1e-3},
  };
  for (const Builtin& builtin : builtins) {
    for (const mc::IntegrateOptions& options : runs) {
      const mc::IntegrateResult cpu = mc::integrate(serial, builtin.cpu, box, options);
      for (const std::size_t per_launch : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
        const mc::IntegrateResult gpu =
            cuda::integrate(builtin.gpu, box, options, {}, {.blocks_per_launch = per_launch});
        const bool exact = builtin.gpu == cuda::Integrand::unit_ball ||
                           builtin.gpu == cuda::Integrand::cross_polytope;
        if (exact) {
          EXPECT_EQ(gpu.estimate, cpu.estimate) << builtin.name;
          EXPECT_EQ(gpu.std_error, cpu.std_error) << builtin.name;
        } else {
          EXPECT_NEAR(gpu.estimate, cpu.estimate, 1e-13 * std::abs(cpu.estimate)) << builtin.name;
          EXPECT_NEAR(gpu.std_error, cpu.std_error, 1e-11 * cpu.std_error) << builtin.name;
        }
        EXPECT_EQ(gpu.samples, cpu.samples);
        EXPECT_EQ(gpu.rounds, cpu.rounds);
        EXPECT_EQ(gpu.run.backend, "cuda");
        EXPECT_TRUE(gpu.run.complete);
      }
    }
  }
}

}  // namespace
}  // namespace pardo::test
