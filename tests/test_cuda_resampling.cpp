// The GPU's bootstrap and permutation test on the CPU path: the code a GPU thread runs (its
// host instantiation) draws the CPU's row indices and splits and gives each block's values bit
// for bit, for data sizes on both sides of the two-indices-a-word limit, short last blocks,
// sums that overflow and interleaved working copies; cuda::bootstrap and
// cuda::permutation_test refuse bad arguments before they look for a device, then either give
// the CPU's answer (a GPU) or throw cuda::Unavailable saying why.
#include <gmock/gmock.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <pardo/cuda.hpp>
#include <pardo/cuda/detail/bootstrap_kernel.hpp>
#include <pardo/cuda/detail/permutation_kernel.hpp>
#include <pardo/cuda/detail/resample_plan.hpp>
#include <pardo/random/stream.hpp>
#include <pardo/serial_executor.hpp>
#include <pardo/stats/bootstrap.hpp>
#include <pardo/stats/permutation.hpp>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace pardo::test {
namespace {

using ::testing::HasSubstr;

std::vector<double> normal_data(std::size_t n, std::uint64_t seed, double scale = 1.0) {
  random::Stream stream(seed, 0);
  std::vector<double> x(n);
  stream.fill(std::span<double>(x));
  for (double& v : x) v = scale * (v - 0.5);
  return x;
}

// Both sides of the two-indices-a-word limit (65535 rows), odd row counts (a resample ends
// inside a pair) and even ones.
constexpr std::uint32_t row_counts[] = {2, 7, 1000, 65535, 65536, 100'001};

TEST(CudaBootstrap, TheGpuThreadsIndicesAreTheCpusResampleIndices) {
  for (const std::uint32_t rows : row_counts) {
    const random::Key key = random::derive_key(77);
    stats::detail::ResampleIndices cpu(77, 5, rows);
    cuda::detail::ResampleIndexStream gpu(key[0], key[1], 5, rows);
    // Resamples of `rows` indices in turn, then a long stretch, as one block takes them.
    std::vector<std::uint32_t> index(rows);
    for (int r = 0; r < 3; ++r) {
      cpu.next(index);
      for (std::uint32_t i = 0; i < rows; ++i) {
        ASSERT_EQ(gpu.next(), index[i]) << rows << " rows, resample " << r << ", index " << i;
      }
    }
    std::vector<std::uint32_t> stretch(20'000);
    cpu.next(stretch);
    for (std::size_t i = 0; i < stretch.size(); ++i) {
      ASSERT_EQ(gpu.next(), stretch[i]) << rows << " rows, index " << i << " of the stretch";
    }
  }
}

struct BuiltinStatistic {
  cuda::BootstrapStatistic gpu;
  double (*cpu)(const stats::Columns&);
  double (*sample)(std::span<const double>);  ///< what the CPU's 1-D bootstrap takes
  std::size_t columns;
  const char* name;
};

constexpr BuiltinStatistic statistics[] = {
    {cuda::BootstrapStatistic::mean,
     [](const stats::Columns& t) { return stats::mean(t.column(0)); }, stats::mean, 1, "mean"},
    {cuda::BootstrapStatistic::variance,
     [](const stats::Columns& t) { return stats::variance(t.column(0)); }, stats::variance, 1,
     "variance"},
    {cuda::BootstrapStatistic::std_dev,
     [](const stats::Columns& t) { return stats::std_dev(t.column(0)); }, stats::std_dev, 1,
     "std_dev"},
    {cuda::BootstrapStatistic::pearson, stats::pearson, nullptr, 2, "pearson"},
    {cuda::BootstrapStatistic::median,
     [](const stats::Columns& t) { return stats::median(t.column(0)); }, stats::median, 1,
     "median"},
};

// The CPU's block for `statistic`: the fused mean block, or the generic one.
std::vector<double> cpu_block(const BuiltinStatistic& statistic, const stats::Columns& table,
                              const stats::BootstrapOptions& options, std::uint64_t block) {
  if (statistic.gpu == cuda::BootstrapStatistic::mean) {
    return stats::detail::run_mean_block(table.column(0), options, block);
  }
  return stats::detail::run_block(table, options, block, statistic.cpu);
}

// Plain data; data whose sums overflow (the mean summed again scaled by 2^-64, the squares
// scaled by a power of two); data so small that the squares underflow; constant data (no
// spread, trusted as such; pearson's y only, so that r is NaN as on the CPU); heavily tied data
// (the median's selection among equal values).
TEST(CudaBootstrap, AGpuThreadsBlockIsTheCpusBlockBitForBit) {
  for (const BuiltinStatistic& statistic : statistics) {
    for (const std::uint32_t rows : row_counts) {
      for (const double scale : {1.0, 1.7e308, 1e-300, 0.0, 4.0}) {
        std::vector<double> data = normal_data(rows * statistic.columns, rows, scale);
        if (scale == 0) std::fill(data.end() - rows, data.end(), 2.5);
        if (scale == 4) {
          for (double& v : data) v = std::round(v);
        }
        // pearson's y follows x, so that r is not near 0.
        for (std::size_t i = rows; i < data.size(); ++i) data[i] += 0.5 * data[i - rows];
        const stats::Columns table(data, statistic.columns);
        const stats::BootstrapOptions options{
            .resamples = 11, .seed = 3, .block_resamples = rows > 10'000 ? 2u : 4u};
        const cuda::detail::BootstrapKernelPlan plan =
            cuda::detail::bootstrap_kernel_plan(table, statistic.gpu, options);
        const std::uint64_t blocks = stats::detail::resample_blocks(options);
        ASSERT_GE(blocks, 3u);
        for (std::uint64_t b = 0; b < blocks; ++b) {
          const std::vector<double> cpu = cpu_block(statistic, table, options, b);
          std::vector<double> gpu(options.block_resamples, -1.0);
          std::vector<double> scratch(rows);
          cuda::detail::bootstrap_block(plan, b, gpu.data(), scratch.data(), 1);
          ASSERT_EQ(cuda::detail::block_resample_count(plan, b), cpu.size());
          for (std::size_t r = 0; r < cpu.size(); ++r) {
            const std::string where = std::string(statistic.name) + ", " + std::to_string(rows) +
                                      " rows, scale " + std::to_string(scale) + ", block " +
                                      std::to_string(b) + ", resample " + std::to_string(r);
            if (std::isnan(cpu[r])) {
              EXPECT_TRUE(std::isnan(gpu[r])) << where;
            } else {
              EXPECT_EQ(gpu[r], cpu[r]) << where;
            }
          }
        }
      }
    }
  }
}

// A launch's threads gather the median's resamples interleaved: each thread's block is
// unchanged.
TEST(CudaBootstrap, InterleavedMedianScratchChangesNoBlock) {
  const std::vector<double> data = normal_data(101, 12);
  const stats::BootstrapOptions options{.resamples = 40, .seed = 5, .block_resamples = 4};
  const cuda::detail::BootstrapKernelPlan plan = cuda::detail::bootstrap_kernel_plan(
      stats::Columns(data, 1), cuda::BootstrapStatistic::median, options);
  constexpr std::uint64_t threads = 3;
  std::vector<double> interleaved(data.size() * threads);
  for (std::uint64_t t = 0; t < threads; ++t) {
    std::vector<double> alone(data.size());
    std::vector<double> a(options.block_resamples);
    std::vector<double> b(options.block_resamples);
    cuda::detail::bootstrap_block(plan, 2 + t, a.data(), interleaved.data() + t, threads);
    cuda::detail::bootstrap_block(plan, 2 + t, b.data(), alone.data(), 1);
    EXPECT_EQ(a, b) << "thread " << t;
    EXPECT_EQ(a, stats::detail::run_block(
                     stats::Columns(data, 1), options, 2 + t,
                     [](const stats::Columns& c) { return stats::median(c.column(0)); }))
        << "thread " << t;
  }
}

struct TwoSampleStatistic {
  cuda::PermutationStatistic gpu;
  double (*cpu)(std::span<const double>, std::span<const double>);
  stats::Design design;
  const char* name;
};

constexpr TwoSampleStatistic two_sample_statistics[] = {
    {cuda::PermutationStatistic::mean_difference, stats::mean_difference,
     stats::Design::independent, "mean_difference"},
    {cuda::PermutationStatistic::t, stats::t_statistic, stats::Design::independent, "t"},
    {cuda::PermutationStatistic::mean_difference, stats::mean_difference, stats::Design::paired,
     "paired mean_difference"},
    {cuda::PermutationStatistic::t, stats::t_statistic, stats::Design::paired, "paired t"},
    {cuda::PermutationStatistic::pearson, stats::pearson_r, stats::Design::correlation, "pearson"},
};

struct Split {
  std::size_t nx;
  std::size_t ny;
};

// x the smaller group, y the smaller one, equal sizes; a pool over the lanes of the sum or
// inside one; more than 32 pairs (two words a sign pattern) and fewer (the paired and
// correlation designs take the equal sizes).
constexpr Split splits[] = {{5, 9}, {12, 4}, {30, 30}, {3, 200}, {2, 2}, {9, 9}, {70, 70}};

stats::PermutationOptions random_options(stats::Design design) {
  return {.design = design,
          .permutations = 50,
          .seed = 11,
          .block_permutations = 7,
          .keep_distribution = true};
}

// Each statistic on plain data, on data near 1e308 (the mean difference's generic path, t's
// and pearson's scaled fallbacks) and near 1e-300 (squares that underflow).
TEST(CudaPermutation, AGpuThreadsBlockIsTheCpusBlockBitForBit) {
  for (const TwoSampleStatistic& statistic : two_sample_statistics) {
    for (const Split& split : splits) {
      if (statistic.design != stats::Design::independent && split.nx != split.ny) continue;
      for (const double scale : {1.0, 1.7e308, 1e-300}) {
        const std::vector<double> x = normal_data(split.nx, 1, scale);
        std::vector<double> y = normal_data(split.ny, 2, scale);
        for (std::size_t i = 0; i < y.size(); ++i) y[i] = 0.5 * y[i] + 0.25 * x[i % x.size()];
        stats::detail::PermutationPlan plan =
            stats::detail::plan_permutations(x, y, random_options(statistic.design));
        if (plan.exact) continue;  // enumerated on the host, as on the CPU
        plan.observed = statistic.cpu(x, y);
        const cuda::detail::WorkingPool pool =
            cuda::detail::working_pool(x, y, statistic.design, statistic.gpu);
        EXPECT_EQ(pool.centred, statistic.gpu == cuda::PermutationStatistic::mean_difference &&
                                    statistic.design == stats::Design::independent &&
                                    scale != 1.7e308);
        const cuda::detail::PermutationKernelPlan kernel =
            cuda::detail::permutation_kernel_plan(x, y, plan, statistic.gpu, pool);
        const stats::detail::StatisticView view = stats::detail::view_of(statistic.cpu);
        ASSERT_EQ(plan.blocks, 8u);
        for (std::uint64_t b = 0; b < plan.blocks; ++b) {
          const stats::detail::PermutationCounts cpu =
              stats::detail::permutation_counts(x, y, view, plan, b);
          std::vector<double> w(pool.values.size());
          std::vector<double> values(plan.block_permutations, -1.0);
          const cuda::detail::PermutationTally gpu =
              cuda::detail::permutation_block(kernel, b, w.data(), 1, values.data());
          const std::string where = std::string(statistic.name) + ", " + std::to_string(split.nx) +
                                    " against " + std::to_string(split.ny) + ", scale " +
                                    std::to_string(scale) + ", block " + std::to_string(b);
          ASSERT_EQ(cuda::detail::block_permutation_count(kernel, b), cpu.done) << where;
          EXPECT_EQ(gpu.less_or_equal, cpu.less_or_equal) << where;
          EXPECT_EQ(gpu.greater_or_equal, cpu.greater_or_equal) << where;
          EXPECT_EQ(gpu.nan, cpu.nan) << where;
          for (std::size_t p = 0; p < cpu.values.size(); ++p) {
            EXPECT_EQ(values[p], cpu.values[p]) << where << ", permutation " << p;
          }
        }
      }
    }
  }
}

// A launch's threads keep their working copies interleaved: each thread's block is unchanged,
// and no thread writes outside its own positions.
TEST(CudaPermutation, InterleavedWorkingCopiesChangeNoBlock) {
  for (const TwoSampleStatistic& statistic : two_sample_statistics) {
    const std::vector<double> x = normal_data(13, 4);
    const std::vector<double> y = normal_data(13, 5);
    stats::detail::PermutationPlan plan =
        stats::detail::plan_permutations(x, y, random_options(statistic.design));
    plan.observed = statistic.cpu(x, y);
    const cuda::detail::WorkingPool pool =
        cuda::detail::working_pool(x, y, statistic.design, statistic.gpu);
    const cuda::detail::PermutationKernelPlan kernel =
        cuda::detail::permutation_kernel_plan(x, y, plan, statistic.gpu, pool);
    const std::size_t n = pool.values.size();
    constexpr std::uint64_t threads = 3;
    std::vector<double> interleaved(n * threads, -1.0);
    for (std::uint64_t t = 0; t < threads; ++t) {
      std::vector<double> alone(n, -1.0);  // untouched by the paired design, as interleaved is
      std::vector<double> a(plan.block_permutations);
      std::vector<double> b(plan.block_permutations);
      const cuda::detail::PermutationTally shared =
          cuda::detail::permutation_block(kernel, 2 + t, interleaved.data() + t, threads, a.data());
      const cuda::detail::PermutationTally own =
          cuda::detail::permutation_block(kernel, 2 + t, alone.data(), 1, b.data());
      const std::string where = std::string(statistic.name) + ", thread " + std::to_string(t);
      EXPECT_EQ(shared.less_or_equal, own.less_or_equal) << where;
      EXPECT_EQ(shared.greater_or_equal, own.greater_or_equal) << where;
      EXPECT_EQ(a, b) << where;
      for (std::size_t i = 0; i < n; ++i) {
        EXPECT_EQ(interleaved[i * threads + t], alone[i]) << where << ", value " << i;
      }
    }
  }
}

TEST(CudaResampling, BadArgumentsAreRefusedBeforeAnyDeviceIsLookedFor) {
  const std::vector<double> data = normal_data(50, 6);
  const std::vector<double> y = normal_data(40, 7);
  EXPECT_THAT([&] { cuda::bootstrap(data, static_cast<cuda::BootstrapStatistic>(5)); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("unknown statistic 5")));
  EXPECT_THAT([&] { cuda::bootstrap(data, cuda::BootstrapStatistic::mean, {.resamples = 0}); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("resamples")));
  EXPECT_THAT(
      [&] {
        cuda::bootstrap(std::span<const double>(data).first(1), cuda::BootstrapStatistic::mean);
      },
      ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("data")));
  const std::vector<double> extremes{-1.7e308, 1.7e308, 0.0};
  EXPECT_THAT([&] { cuda::bootstrap(extremes, cuda::BootstrapStatistic::variance); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("variance")));
  EXPECT_THAT([&] { cuda::permutation_test(data, y, static_cast<cuda::PermutationStatistic>(3)); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("unknown statistic 3")));
  EXPECT_THAT(
      [&] {
        cuda::permutation_test(data, y, cuda::PermutationStatistic::mean_difference,
                               {.permutations = 0});
      },
      ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("permutations")));
  EXPECT_THAT([&] { cuda::permutation_test(data, data, cuda::PermutationStatistic::pearson); },
              ::testing::ThrowsMessage<std::invalid_argument>(
                  HasSubstr("not pearson_r on the independent design")));
  EXPECT_THAT(
      [&] {
        cuda::permutation_test(data, data, cuda::PermutationStatistic::t,
                               {.design = stats::Design::correlation});
      },
      ::testing::ThrowsMessage<std::invalid_argument>(
          HasSubstr("not t_statistic on the correlation design")));
  EXPECT_THAT(
      [&] { cuda::bootstrap(stats::Columns(data, 1), cuda::BootstrapStatistic::pearson); },
      ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("pearson takes 2 columns, not 1")));
}

bool gpu_present() {
  try {
    (void)cuda::devices();
    return true;
  } catch (const cuda::Unavailable&) {
    return false;
  }
}

// With a GPU: the CPU's distribution, standard error and interval bit for bit, percentile and
// BCa, over one launch or many. Without: cuda::Unavailable, saying why.
TEST(CudaBootstrap, BootstrapGivesTheCpusBitsOrSaysWhyItCannot) {
  std::vector<double> data = normal_data(2 * 3001, 9);
  for (std::size_t i = 3001; i < data.size(); ++i) data[i] += 0.5 * data[i - 3001];
  if (!gpu_present()) {
    EXPECT_THAT([&] { cuda::bootstrap(data, cuda::BootstrapStatistic::mean); },
                ::testing::ThrowsMessage<cuda::Unavailable>(HasSubstr("CUDA")));
    GTEST_SKIP() << "no usable GPU";
  }
  SerialExecutor serial;
  for (const BuiltinStatistic& statistic : statistics) {
    for (const stats::BootstrapMethod method :
         {stats::BootstrapMethod::percentile, stats::BootstrapMethod::bca}) {
      const stats::BootstrapOptions options{.resamples = 10'001,
                                            .method = method,
                                            .seed = 8,
                                            .block_resamples = 3,
                                            .keep_distribution = true};
      const stats::Columns table(std::span<const double>(data).first(3001 * statistic.columns),
                                 statistic.columns);
      // As pardo bootstrap calls it: the fused mean path for the mean (its jackknife too).
      const stats::BootstrapResult cpu =
          statistic.sample != nullptr
              ? stats::bootstrap(serial, table.column(0), statistic.sample, options)
              : stats::bootstrap(serial, table, statistic.cpu, options);
      for (const std::size_t per_launch : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
        const stats::BootstrapResult gpu =
            cuda::bootstrap(table, statistic.gpu, options, {}, {.blocks_per_launch = per_launch});
        EXPECT_EQ(gpu.distribution, cpu.distribution);
        EXPECT_EQ(gpu.std_error, cpu.std_error);
        EXPECT_EQ(gpu.interval.low, cpu.interval.low);
        EXPECT_EQ(gpu.interval.high, cpu.interval.high);
        EXPECT_EQ(gpu.run.backend, "cuda");
        EXPECT_TRUE(gpu.run.complete);
        EXPECT_EQ(gpu.run.blocks_done, cpu.run.blocks_total);
      }
    }
  }
}

// With a GPU: the CPU's counts, p-value and null distribution bit for bit, randomized and
// exact, over one launch or many. Without: cuda::Unavailable, saying why.
TEST(CudaPermutation, PermutationTestGivesTheCpusBitsOrSaysWhyItCannot) {
  const std::vector<double> x = normal_data(61, 10);
  std::vector<double> y = normal_data(61, 11);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = 0.5 * y[i] + 0.25 * x[i] + 0.2;
  if (!gpu_present()) {
    EXPECT_THAT([&] { cuda::permutation_test(x, y, cuda::PermutationStatistic::mean_difference); },
                ::testing::ThrowsMessage<cuda::Unavailable>(HasSubstr("CUDA")));
    GTEST_SKIP() << "no usable GPU";
  }
  SerialExecutor serial;
  const std::vector<double> small_x{1.0, 2.5, 3.0, 0.5};
  const std::vector<double> small_y{2.0, 4.0, 4.5, 6.0};
  struct Case {
    std::span<const double> x;
    std::span<const double> y;
  };
  // x against a shorter y and y against x (the smaller group drawn either way), and data with
  // few enough arrangements to be enumerated.
  const std::span<const double> shorter = std::span<const double>(y).first(40);
  for (const TwoSampleStatistic& statistic : two_sample_statistics) {
    const bool pairs = statistic.design != stats::Design::independent;
    for (const Case c : {Case{x, pairs ? y : shorter}, Case{y, x}, Case{small_x, small_y}}) {
      const stats::PermutationOptions options{.design = statistic.design,
                                              .permutations = 20'000,
                                              .seed = 4,
                                              .block_permutations = 5,
                                              .keep_distribution = true};
      const stats::PermutationResult cpu =
          stats::permutation_test(serial, c.x, c.y, statistic.cpu, options);
      for (const std::size_t per_launch : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
        const stats::PermutationResult gpu = cuda::permutation_test(
            c.x, c.y, statistic.gpu, options, {}, {.blocks_per_launch = per_launch});
        EXPECT_EQ(gpu.exact, cpu.exact);
        EXPECT_EQ(gpu.less_or_equal, cpu.less_or_equal);
        EXPECT_EQ(gpu.greater_or_equal, cpu.greater_or_equal);
        EXPECT_EQ(gpu.p_value, cpu.p_value);
        EXPECT_EQ(gpu.null_distribution, cpu.null_distribution);
        EXPECT_EQ(gpu.run.backend, "cuda");
        EXPECT_TRUE(gpu.run.complete);
      }
    }
  }
}

}  // namespace
}  // namespace pardo::test
